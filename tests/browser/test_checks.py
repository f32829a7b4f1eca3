"""The page checks themselves: they must catch a broken page, or they prove nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.chromium import chromium_availability
from tests.browser.visit import VisitFactory


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_check_catches_an_accessibility_violation(visit: VisitFactory) -> None:
    with visit() as v:
        v.page.goto("/accounts/sign-in/")
        v.check("sign-in")
        v.page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend', "
            "'<img src=\"/static/attune/favicon.svg\">')"
        )
        with pytest.raises(AssertionError, match=r"image-alt"):
            v.check("sign-in, with an image lacking alt text")


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_check_catches_a_content_security_policy_violation(visit: VisitFactory) -> None:
    with visit() as v:
        v.page.goto("/accounts/sign-in/")
        v.check("sign-in")
        v.page.evaluate(
            "document.head.insertAdjacentHTML('beforeend', '<style>p { color: red; }</style>')"
        )
        with pytest.raises(AssertionError, match="Content Security Policy"):
            v.check("sign-in, with an inline style")
        v.csp_errors.clear()  # expected here; the visit's own end-of-visit check passes


@pytest.mark.parametrize(
    ("environ", "outcome"),
    [
        ({"ATTUNE_CHROMIUM": "/nonexistent/chromium"}, "skip"),
        ({"ATTUNE_CHROMIUM": "/nonexistent/chromium", "CI": "false"}, "skip"),
        ({"ATTUNE_CHROMIUM": "/nonexistent/chromium", "CI": "true"}, "fail"),
    ],
)
def test_missing_chromium_skips_locally_but_fails_in_ci(
    environ: dict[str, str], outcome: str
) -> None:
    availability = chromium_availability(environ)
    assert availability.outcome == outcome
    assert "apt-get install chromium" in availability.message


def test_an_existing_chromium_runs(tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert chromium_availability({"ATTUNE_CHROMIUM": str(fake), "CI": "true"}).outcome == "run"
