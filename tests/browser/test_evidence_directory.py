"""The evidence directory in a browser: filter for pregnancy, compare three entries, complete a
Hexagon self-assessment and print it. Every page passes axe-core and the CSP (``Visit.check``).
Data is made before the ``with visit()`` block and checked after it (see conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from attune.accounts.roles import Role
from attune.catalogue.models import SelfAssessment
from attune.catalogue.tests.factories import ensure_seeded_entries
from tests.browser.support import authenticator_code, give_authenticator, make_team, member
from tests.browser.visit import VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

COMPARED = [
    "Parent Infant Psychotherapy (Anna Freud manualised model)",
    "Infant-Parent Psychotherapy (Lieberman model)",
    "Video Interaction Guidance",
]


def test_filter_compare_and_self_assess(visit: VisitFactory) -> None:
    ensure_seeded_entries()
    team = make_team("Riverside North")
    manager = member(Role.MANAGER, team, first_name="Amara", last_name="Bello")
    key = give_authenticator(manager)

    with visit() as v:
        v.sign_in_with_password(manager.username)
        v.enter_code(authenticator_code(key))
        v.page.get_by_role("navigation", name="Main menu").get_by_role(
            "link", name="Directory"
        ).click()
        expect(v.page.get_by_role("heading", level=1)).to_have_text("Evidence directory")
        v.check("evidence directory")

        v.page.get_by_label("In pregnancy").check()
        v.page.get_by_role("button", name="Filter").click()
        expect(v.page.get_by_test_id("entry-peep-antenatal")).to_be_visible()
        expect(v.page.get_by_test_id("entry-vipp-sd")).to_have_count(0)
        v.check("directory filtered for pregnancy")

        v.page.goto("/directory/")
        for slug in (
            "parent-infant-psychotherapy",
            "infant-parent-psychotherapy",
            "video-interaction-guidance",
        ):
            v.page.get_by_test_id(f"entry-{slug}").get_by_role("checkbox").check()
        v.page.get_by_role("button", name="Compare the ticked entries").click()
        expect(v.page.get_by_role("heading", level=1)).to_have_text("Compare side by side")
        table = v.page.locator("table.attune-compare")
        for name in COMPARED:
            expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
        share = v.page.get_by_test_id("share-url").inner_text()
        assert share.count("e=") == 3
        v.check("comparison")

        table.get_by_role("link", name=COMPARED[0], exact=True).click()
        expect(v.page.get_by_role("heading", level=1)).to_have_text(COMPARED[0])
        v.check("entry")
        v.page.get_by_role("link", name="Complete a self-assessment for your team").click()
        v.check("self-assessment form")
        ratings = {
            "need": "5",
            "fit": "4",
            "capacity": "2",
            "evidence": "3",
            "usability": "3",
            "supports": "3",
        }
        for code, value in ratings.items():
            group = v.page.get_by_role("group").filter(has=v.page.locator(f"input[name='{code}']"))
            group.get_by_label(value, exact=True).check()
        v.page.get_by_label("Capacity: notes from the discussion").fill(
            "Only one practitioner is trained so far."
        )
        v.page.get_by_label("Adapt, then adopt").check()
        v.page.get_by_role("button", name="Save the self-assessment").click()
        expect(v.page.get_by_text("The self-assessment was saved.")).to_be_visible()
        expect(v.page.get_by_test_id("rating-capacity")).to_have_text("2")
        assert v.page.locator("svg.attune-hexagon polygon").count() >= 6
        v.check("self-assessment")

        v.page.emulate_media(media="print")
        expect(v.page.locator(".attune-print-header")).to_contain_text("Riverside North")
        expect(v.page.locator(".nhsuk-header")).to_be_hidden()
        pdf = v.page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")

    saved = SelfAssessment.objects.get()
    assert (saved.need, saved.fit, saved.capacity) == (5, 4, 2)
    assert saved.decision == "adapt" and list(saved.assessors.all()) == [manager]
    assert re.search("trained", saved.notes["capacity"])
