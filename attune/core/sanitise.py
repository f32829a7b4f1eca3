"""Rich text for clinical notes: a strict allow-list, so stored HTML is safe to render.

Notes are typed in a plain textarea (the CSP forbids the inline scripts a rich
editor needs). Plain text becomes paragraphs; text that already carries the
allowed tags (pasted from another document, say) keeps only those tags. Every
attribute is dropped and links are not allowed at all: a note never carries a
URL that could run script or send the reader somewhere else. ``nh3`` (the Rust
``ammonia`` sanitiser) parses the fragment as a browser would, so tricks such
as broken or nested tags are resolved before the allow-list applies.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "blockquote"})
# Whole elements dropped with their content (not just the tags).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript"})
SUMMARY_LENGTH = 100

_ALLOWED_MARKUP = re.compile(
    r"<\s*/?\s*(?:" + "|".join(sorted(ALLOWED_TAGS)) + r")\b", re.IGNORECASE
)
_BLANK_LINES = re.compile(r"\n\s*\n")
_LINE_ENDS = re.compile(r"<br\s*/?>|</(?:p|li|blockquote|ul|ol)>", re.IGNORECASE)


def clean_rich_text(fragment: str) -> str:
    """Keep only the allow-listed tags, with no attributes; everything else is text or gone."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    ).strip()


def rich_text_from_input(text: str) -> str:
    """What a note form stores: plain text turned into paragraphs, or pasted markup cleaned."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not _ALLOWED_MARKUP.search(text):
        text = _paragraphs(html.escape(text, quote=False))
    return clean_rich_text(text)


def _paragraphs(escaped: str) -> str:
    blocks = [block.strip() for block in _BLANK_LINES.split(escaped) if block.strip()]
    return "".join(f"<p>{block.replace(chr(10), '<br>')}</p>" for block in blocks)


def plain_text(fragment: str) -> str:
    """The words of a fragment without any markup, one line per paragraph or list item."""
    with_breaks = _LINE_ENDS.sub("\n", fragment)
    return html.unescape(nh3.clean(with_breaks, tags=set(), strip_comments=True)).strip()


def first_line(fragment: str, limit: int = SUMMARY_LENGTH) -> str:
    """The first non-empty line, shortened for a one-line summary (it is escaped when shown)."""
    line = next((ln.strip() for ln in plain_text(fragment).splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
