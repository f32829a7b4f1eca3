"""A group course in a browser: a manager sets up a course, enrols two families waiting for
the team (one goes onto the course's waiting list when it is full, then gets a place), and
takes the register for the first session. Every page passes axe-core and the CSP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attune.accounts.roles import Role
from attune.groups.models import Attendance, Enrolment, Group
from attune.referrals.services import triage
from attune.referrals.tests.factories import make_referral
from tests.browser.support import authenticator_code, give_authenticator, make_team, member
from tests.browser.visit import VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _waiting_family(team, manager, given_name: str):  # type: ignore[no-untyped-def]
    referral = make_referral(team=team, submitted_by=manager)
    triage(
        actor=manager,
        referral=referral,
        expected_version=referral.version,
        decision="accept",
        priority=2,
    )
    family = referral.family
    family.name = f"{given_name} family"
    family.save(update_fields=["name"])
    return family


def test_set_up_a_course_enrol_from_the_waiting_list_and_take_the_register(
    visit: VisitFactory,
) -> None:
    team = make_team("Riverside North")
    manager = member(Role.MANAGER, team, first_name="Amara", last_name="Bello")
    member(Role.PRACTITIONER, team, first_name="Priya", last_name="Shah")
    key = give_authenticator(manager)
    first = _waiting_family(team, manager, "Okafor")
    second = _waiting_family(team, manager, "Evans")
    yesterday = timezone.localdate() - timedelta(days=1)

    with visit() as v:
        v.sign_in_with_password(manager.username)
        v.enter_code(authenticator_code(key))
        v.page.goto("/groups/")
        expect(v.page.get_by_role("heading", level=1)).to_have_text("Group programmes")
        v.check("group programmes")
        v.page.get_by_label("Name").fill("Babies and us")
        v.page.get_by_label("Course: a fixed number of sessions").check()
        v.page.get_by_label("Amara Bello").check()
        v.page.get_by_label("Venue").fill("Riverside Children's Centre")
        v.page.get_by_label("Date of the first session").fill(yesterday.isoformat())
        v.page.get_by_label("Start time").fill("10:00")
        v.page.get_by_label("Number of weekly sessions").fill("8")
        v.page.get_by_label("Families who can take part at once").fill("1")
        v.page.get_by_role("button", name="Set up the group").click()
        expect(v.page.get_by_role("heading", level=1)).to_have_text("Babies and us")
        v.check("group")

        for family, waiting in ((first, False), (second, True)):
            v.page.get_by_label("Family", exact=True).select_option(label=family.name)
            v.page.get_by_label(f"({family.name})").first.check()
            if waiting:
                v.page.get_by_label("Add to the waiting list").check()
            v.page.get_by_role("button", name="Add the family").click()
        expect(v.page.get_by_test_id(f"enrolled-{first.pk}")).to_be_visible()
        expect(v.page.get_by_test_id(f"waiting-{second.pk}")).to_be_visible()
        expect(v.page.get_by_text("The group is full")).to_be_visible()

        v.page.get_by_test_id(f"enrolled-{first.pk}").get_by_role("button").click()
        v.page.get_by_test_id(f"waiting-{second.pk}").get_by_role(
            "button", name="Offer a place"
        ).click()
        expect(v.page.get_by_test_id(f"enrolled-{second.pk}")).to_be_visible()
        v.check("group after offering a place")

        v.page.get_by_role("link", name="Register for session 1").click()
        expect(v.page.get_by_role("heading", level=1)).to_contain_text("Register: session 1")
        v.check("register")
        family_block = v.page.get_by_test_id(f"register-{second.pk}")
        family_block.get_by_role("checkbox").first.check()
        v.page.get_by_role("button", name="Save the register").click()
        expect(v.page.get_by_text("The register was saved.")).to_be_visible()
        expect(
            v.page.get_by_test_id(f"register-{second.pk}").get_by_role("checkbox").first
        ).to_be_checked()

    group = Group.objects.get(name="Babies and us")
    assert group.sessions.count() == 8 and group.capacity == 1
    assert Enrolment.objects.get(group=group, family=second).status == "enrolled"
    assert Enrolment.objects.get(group=group, family=first).status == "left"
    assert Attendance.objects.filter(session__group=group, present=True).count() == 1
