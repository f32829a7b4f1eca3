"""A parent answers a PHQ-9 on a phone through a one-time link; the practitioner sees the change.

The practitioner sends the link from the episode's measures page; the parent
opens it on a phone-sized screen without signing in, answers every question and
sends; the practitioner then sees the new score beside the baseline, classified
as recovered (measures.md worked example 1: 18 -> 8). Every page passes axe-core
and the Content Security Policy (``Visit.check``). Data is made before each
``with visit()`` block and checked after it (see conftest.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from attune.accounts.roles import Role
from attune.care.tests.factories import make_episode
from attune.measures.models import Administration, QuestionnaireLink
from attune.measures.tests.factories import carer_of, phq9_answers, record_phq9
from tests.browser.support import authenticator_code, give_authenticator, make_team, member
from tests.browser.visit import Visit, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 375, "height": 740}
EPISODE = re.compile(r"/care/episodes/\d+/$")
LINK = re.compile(r"https?://[^\s]+/measures/q/[^/\s]+/")
# The PHQ-9's public-domain wording of its first and ninth questions.
FIRST_ITEM = "Little interest or pleasure in doing things"
NINTH_ITEM = "Thoughts that you would be better off dead or of hurting yourself in some way"


def test_parent_answers_on_a_phone_and_the_practitioner_sees_the_change(
    visit: VisitFactory,
) -> None:
    team = make_team("Riverside North")
    manager = member(Role.MANAGER, team)
    practitioner = member(Role.PRACTITIONER, team, first_name="Priya", last_name="Okoye")
    key = give_authenticator(practitioner)
    episode = make_episode(team=team, manager=manager, practitioner=practitioner)
    carer = carer_of(episode)
    record_phq9(
        episode,
        actor=practitioner,
        answers=phq9_answers(18),
        completed_on=timezone.localdate() - timedelta(days=120),
    )

    with visit() as v:
        v.sign_in_with_password(practitioner.username)
        v.enter_code(authenticator_code(key))
        v.page.goto(f"/care/episodes/{episode.pk}/")
        v.page.get_by_role("link", name="Outcome measures").click()
        expect(v.page.get_by_role("heading", level=1)).to_have_text("Outcome measures")
        v.check("outcome measures")
        v.page.get_by_role("link", name="Send a link to a parent's phone").click()
        v.check("send a link")
        v.page.get_by_label("What to send").select_option(label="PHQ-9")
        v.page.get_by_label("Who to send it to").select_option(label=carer.display_name)
        v.page.get_by_label("Who the questionnaire is about").select_option(
            label=carer.display_name
        )
        v.page.get_by_label("End of therapy").check()
        v.page.get_by_label("Email").check()
        v.page.get_by_role("button", name="Send the link").click()
        expect(v.page.get_by_text("The link was sent. It works once.")).to_be_visible()
        expect(v.page.get_by_text("Links waiting for an answer")).to_be_visible()

        # The email is in Django's outbox (no database call): the parent opens its link.
        (message,) = [m for m in mail.outbox if carer.email in m.to]
        found = LINK.search(message.body)
        assert found, message.body
        link_path = "/" + found.group(0).split("/", 3)[3]
        with visit() as parent:
            answer_on_a_phone(parent, link_path, episode.family.name)

        # Back in the practitioner's browser: the new score and the change since baseline.
        v.page.reload()
        score = v.page.locator("[data-testid^='score-']").last
        expect(score).to_have_text("8")
        change = v.page.get_by_test_id("change")
        expect(change).to_contain_text("Recovered")
        expect(change).to_contain_text("from 18 to 8")
        v.check("outcome measures with the change")

    online = Administration.objects.get(mode="online")
    assert online.primary_score == 8 and online.respondent_person == carer
    assert online.timepoint == "end"
    assert QuestionnaireLink.objects.get().used_at is not None


def answer_on_a_phone(parent: Visit, link_path: str, family_name: str) -> None:
    parent.page.set_viewport_size(PHONE)
    parent.page.goto(link_path)
    expect(parent.page.get_by_role("heading", level=1)).to_have_text(
        "A few questions about how you have been"
    )
    assert family_name not in parent.page.content()
    parent.check("questionnaire on a phone")
    # Sending with questions unanswered keeps the parent on the page, with a message.
    parent.page.get_by_role("button", name="Send my answers").click()
    expect(parent.page.get_by_text("There is a problem")).to_be_visible()
    parent.check("questionnaire with errors")
    for number in range(1, 10):
        group = parent.page.get_by_role("group").filter(
            has=parent.page.locator(f"input[name='item{number}']")
        )
        group.get_by_label("Not at all" if number == 9 else "Several days").check()
    expect(parent.page.get_by_role("group", name=FIRST_ITEM)).to_be_visible()
    expect(parent.page.get_by_role("group", name=NINTH_ITEM)).to_be_visible()
    scroll_width = parent.page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], "the page must not scroll sideways on a phone"
    parent.page.get_by_role("button", name="Send my answers").click()
    expect(parent.page.get_by_role("heading", level=1)).to_have_text("Thank you")
    parent.check("thank you")
    parent.page.goto(link_path)
    expect(parent.page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
