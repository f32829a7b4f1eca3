"""The rich text allow-list (attune.core.sanitise): examples and properties over generated input."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from attune.core.sanitise import (
    ALLOWED_TAGS,
    clean_rich_text,
    first_line,
    plain_text,
    rich_text_from_input,
)

TAG = re.compile(r"<[^>]*>")
ALLOWED_TAG = re.compile(r"</?(?:" + "|".join(ALLOWED_TAGS) + r")>")

# Pieces an attacker (or a careless paste) might send, mixed with ordinary text.
HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<p onclick="steal()">',
    "<p style='color:red' class=x id=y>",
    '<a href="javascript:alert(1)">',
    '<a href="https://example.org">',
    "<a href=JaVaScRiPt:alert(1)>",
    '<svg onload="alert(1)">',
    "<iframe src=javascript:alert(1)>",
    "<math><mi><style><img src=x onerror=1>",
    "<!-- <script>x</script> -->",
    "<![CDATA[<script>]]>",
    '<strong onmouseover="x">',
    "<blockquote cite=javascript:x>",
    "<br/>",
    "<br onload=x>",
    "&lt;script&gt;",
    "&#x3C;script&#x3E;",
    "javascript:alert(1)",
    "<",
    ">",
    '"',
    "'",
    "=",
    "</p>",
    "<li>",
    "<ul>",
    "<ol>",
    "<em>",
    "<p>",
    "\n",
    "\n\n",
]
fragments = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), max_size=12).map(
    "".join
)


def assert_safe(output: str) -> None:
    assert "<script" not in output.lower()
    for tag in TAG.findall(output):
        # Every tag left is a bare allow-listed tag: no attributes, so no on*= handler,
        # no style, and no javascript: (or any other) URL.
        assert ALLOWED_TAG.fullmatch(tag), tag
    assert not re.search(r"<[^>]*\bon\w+\s*=", output, re.IGNORECASE)
    assert not re.search(r"<[^>]*javascript:", output, re.IGNORECASE)


@settings(max_examples=400, deadline=None)
@given(fragments)
def test_cleaned_fragments_hold_only_bare_allowed_tags(fragment: str) -> None:
    assert_safe(clean_rich_text(fragment))


@settings(max_examples=400, deadline=None)
@given(fragments)
def test_what_a_note_form_stores_is_safe(fragment: str) -> None:
    assert_safe(rich_text_from_input(fragment))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_at_all_is_safe(text: str) -> None:
    assert_safe(rich_text_from_input(text))


@settings(max_examples=300, deadline=None)
@given(fragments)
def test_cleaning_twice_changes_nothing(fragment: str) -> None:
    once = clean_rich_text(fragment)
    assert clean_rich_text(once) == once


@settings(max_examples=200, deadline=None)
@given(fragments)
def test_summaries_never_carry_markup_from_the_note(fragment: str) -> None:
    # The summary is plain text (escaped when shown); it never holds one of the note's tags.
    summary = first_line(rich_text_from_input(fragment))
    assert not ALLOWED_TAG.search(summary)
    assert "\n" not in summary


def test_plain_text_becomes_paragraphs() -> None:
    stored = rich_text_from_input("Mum and baby played.\nBaby smiled.\n\nPlan: next week.")
    assert stored == "<p>Mum and baby played.<br>Baby smiled.</p><p>Plan: next week.</p>"


def test_plain_text_that_looks_like_markup_stays_as_text() -> None:
    stored = rich_text_from_input("Scores < 5 & <script>alert(1)</script>")
    assert stored == "<p>Scores &lt; 5 &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_pasted_markup_keeps_only_the_allowed_tags() -> None:
    pasted = (
        '<p class="x" onclick="y">Held <strong>gently</strong></p>'
        '<ul><li><a href="javascript:alert(1)">link</a></li></ul><div>more</div>'
        "<script>alert(1)</script><style>p{}</style>"
    )
    assert rich_text_from_input(pasted) == (
        "<p>Held <strong>gently</strong></p><ul><li>link</li></ul>more"
    )


def test_https_links_are_not_kept_either() -> None:
    assert clean_rich_text('<p><a href="https://example.org">guide</a></p>') == "<p>guide</p>"


def test_first_line_is_plain_and_short() -> None:
    note = rich_text_from_input("<p>Baby &amp; mum <em>laughed</em></p><p>Second</p>")
    assert first_line(note) == "Baby & mum laughed"
    assert plain_text(note) == "Baby & mum laughed\nSecond"
    assert first_line("<p>" + "word " * 50 + "</p>").endswith("…")
    assert len(first_line("<p>" + "word " * 50 + "</p>")) == 100
