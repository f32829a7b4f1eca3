"""A referral's journey through a real browser (issue 3): sent, triaged, allocated.

A referrer refers a family online (meeting one error on the way), a manager
accepts the referral onto the waiting list and allocates the family to a
practitioner, and the referrer then sees only the new status. Every page is
checked with axe-core and for Content Security Policy errors (``Visit.check``).
Data is made before each ``with visit()`` block and the database is checked
after it (see conftest.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.audit.models import AuditEvent
from attune.referrals.codes import Decision, Priority, Status
from attune.referrals.models import Referral, TriageDecision
from tests.browser.support import (
    authenticator_code,
    give_authenticator,
    make_team,
    member,
)
from tests.browser.visit import Visit, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VERIFY = re.compile(r"/accounts/sign-in/verify/$")
SUBMITTED = re.compile(r"/referrals/(\d+)/sent/$")
WAITING_LIST = re.compile(r"/referrals/waiting-list/$")

BABY_GIVEN, BABY_FAMILY, CARER_GIVEN = "Amara", "Okafor", "Grace"
FAMILY_NAME = f"{BABY_FAMILY} family"
NARRATIVE_MISSING = "Tell us a little about the family and why you are referring"


def expect_heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def expect_field_error(page: Page, field_id: str, message: str) -> None:
    """The error is in the summary (linked to the field) and beside the field itself."""
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", f"#{field_id}")
    group = page.locator(".nhsuk-form-group--error", has=page.locator(f"#{field_id}"))
    error = group.locator(".nhsuk-error-message")
    expect(error).to_contain_text(message)
    error_id = error.get_attribute("id")
    assert error_id, "the error message beside the field needs an id"
    expect(page.locator(f"#{field_id}")).to_have_attribute(
        "aria-describedby", re.compile(rf"(^|\s){re.escape(error_id)}(\s|$)")
    )


def sign_in(v: Visit, user: User, key: bytes, home_heading: str) -> None:
    v.sign_in_with_password(user.username)
    expect(v.page).to_have_url(VERIFY)
    v.check("enter your security code")
    v.enter_code(authenticator_code(key))
    expect_heading(v.page, home_heading)
    v.check("home")


def go_to(v: Visit, link: str, heading: str | re.Pattern[str]) -> None:
    v.page.get_by_role("navigation", name="Main menu").get_by_role("link", name=link).click()
    expect_heading(v.page, heading)


def fill_referral_except_narrative(page: Page, baby_born: str) -> None:
    page.get_by_label("Your name").fill("Rita Referrer")
    page.get_by_label("Your role").select_option(label="Health visitor")
    page.get_by_label("Your organisation").fill("Riverside health visiting")

    page.get_by_label("Baby's first name").fill(BABY_GIVEN)
    page.get_by_label("Baby's last name").fill(BABY_FAMILY)
    page.get_by_label("Baby's date of birth").fill(baby_born)

    first_carer = page.get_by_role("group", name="First carer", exact=True)
    first_carer.get_by_label("First carer: first name").fill(CARER_GIVEN)
    first_carer.get_by_label("First carer: last name").fill(BABY_FAMILY)
    first_carer.get_by_label("Their relationship to the baby").select_option(label="Birth mother")

    worries = page.get_by_role("group", name="What are you worried about?")
    worries.get_by_label("A parent's mental health").check()
    worries.get_by_label("Very hard life circumstances").check()

    agrees = page.get_by_role("group", name="Does the family know about this referral")
    agrees.get_by_label("Yes").check()


def send_referral(page: Page) -> None:
    page.get_by_role("button", name="Send referral").click()
    page.wait_for_load_state("load")


def test_a_referral_is_sent_triaged_and_allocated(visit: VisitFactory) -> None:
    team = make_team("Meadow parent-infant team")
    referrer = member(Role.REFERRER, team, first_name="Rita", last_name="Referrer")
    manager = member(Role.MANAGER, team, first_name="Morgan", last_name="Manager")
    practitioner = member(Role.PRACTITIONER, team, first_name="Pat", last_name="Practitioner")
    referrer_key = give_authenticator(referrer)
    manager_key = give_authenticator(manager)
    baby_born = (timezone.localdate() - timedelta(weeks=10)).isoformat()

    # The referrer's browser stays open while the manager works in another one: a
    # second sign-in would wait up to 30 seconds, as Attune refuses a code used before.
    with visit() as r:
        # The referrer refers a family, meeting an error on the way.
        sign_in(r, referrer, referrer_key, f"Referrer — {team.name}")
        go_to(r, "Refer a family", f"Refer a family to {team.name}")
        r.check("refer a family")

        fill_referral_except_narrative(r.page, baby_born)
        isolation = r.page.get_by_role("group", name="Isolation, little support")
        expect(isolation.get_by_label("Not known")).to_be_checked()
        send_referral(r.page)
        expect_heading(r.page, f"Refer a family to {team.name}")
        expect_field_error(r.page, "id_narrative", NARRATIVE_MISSING)
        expect(r.page.get_by_label("Baby's first name")).to_have_value(BABY_GIVEN)
        expect(r.page.get_by_label("Baby's date of birth")).to_have_value(baby_born)
        expect(r.page.get_by_label("A parent's mental health")).to_be_checked()
        r.check("refer a family, with an error")

        r.page.get_by_label("Tell us about the family").fill(
            f"{CARER_GIVEN} has felt low since the birth and has little support nearby."
        )
        send_referral(r.page)
        expect(r.page).to_have_url(SUBMITTED)
        match = SUBMITTED.search(r.page.url)
        assert match
        reference = f"R{match.group(1)}"
        expect_heading(r.page, "Referral received")
        expect(r.page.locator(".nhsuk-panel__body")).to_have_text(f"Reference {reference}")
        r.check("referral received")

        r.page.get_by_role("link", name="See your referrals").click()
        expect_heading(r.page, "Your referrals")
        status = r.page.get_by_test_id(f"status-{reference[1:]}")
        expect(status).to_have_text("Received, waiting for triage")
        r.check("your referrals")

        # The manager accepts the referral, then allocates the family to a practitioner.
        with visit() as m:
            sign_in(m, manager, manager_key, f"Team manager (clinical lead) — {team.name}")
            go_to(m, "Referrals", "Referrals")
            to_triage = m.page.get_by_role("table", name="Referrals waiting for triage")
            expect(to_triage.get_by_role("row").filter(has_text=reference)).to_contain_text(
                FAMILY_NAME
            )
            m.check("referrals")

            to_triage.get_by_role("link", name=reference, exact=True).click()
            expect_heading(m.page, FAMILY_NAME)
            expect(m.page.get_by_text(f"Referral {reference}", exact=True)).to_be_visible()
            m.check("referral")

            m.page.get_by_label("Accept onto the waiting list").check()
            m.page.get_by_label("Priority on the waiting list").select_option(label="High")
            m.page.get_by_role("button", name="Record decision").click()
            expect(m.page).to_have_url(re.compile(rf"/referrals/{reference[1:]}/outcome/$"))
            expect_heading(m.page, re.compile(rf"^Your referral {reference}, received "))
            expect(m.page.locator(".attune-letter")).to_contain_text("to our waiting list")
            m.check("outcome letter")

            go_to(m, "Waiting list", "Waiting list")
            expect(m.page.get_by_test_id("waiting-count")).to_have_text("1")
            row = m.page.get_by_role("row").filter(has_text=FAMILY_NAME)
            expect(row).to_contain_text(reference)
            expect(row).to_contain_text("High")
            m.check("waiting list")

            row.get_by_label("Practitioner").select_option(label="Pat Practitioner (0 families)")
            row.get_by_role("button", name=f"Allocate {FAMILY_NAME}").click()
            expect(m.page).to_have_url(WAITING_LIST)
            expect(m.page.get_by_test_id("waiting-count")).to_have_text("0")
            expect(m.page.get_by_text("No families are waiting.")).to_be_visible()
            expect(m.page.get_by_role("row").filter(has_text=FAMILY_NAME)).to_have_count(0)
            caseloads = m.page.get_by_role("table", name="Families allocated to each practitioner")
            expect(
                caseloads.get_by_role("row").filter(has_text="Pat Practitioner")
            ).to_contain_text("1")
            m.check("waiting list, after allocating")

        # Back in the referrer's browser: the new status, and nothing about the family.
        go_to(r, "Your referrals", "Your referrals")
        expect(status).to_have_text("Accepted: allocated to a practitioner")
        for private in (BABY_GIVEN, BABY_FAMILY, CARER_GIVEN):
            expect(r.page.locator("body")).not_to_contain_text(private)
        r.check("your referrals, after allocation")

    # What the database holds after the journey.
    referral = Referral.objects.get()
    assert f"R{referral.pk}" == reference
    assert referral.status == Status.ALLOCATED
    assert referral.allocated_to == practitioner
    assert referral.submitted_by == referrer
    decision = TriageDecision.objects.get()
    assert decision.referral == referral
    assert decision.decision == Decision.ACCEPT
    assert decision.priority == Priority.HIGH == 1
    assert decision.decided_by == manager
    events = AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(referral.pk))
    assert events.filter(action="referral.received", actor=referrer).exists()
    assert events.filter(action="referral.triaged", actor=manager).exists()
    assert events.filter(
        action="referral.allocated", actor=manager, details={"practitioner": practitioner.pk}
    ).exists()
