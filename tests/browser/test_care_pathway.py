"""The whole care pathway through a real browser, from allocation to the closing letter.

A manager allocates a waiting family; the practitioner logs an engagement
attempt, records the assessment (with a goal in the family's own words) and
completes it, sets a care package, books a weekly series and single sessions,
records sessions in each phase, raises a safeguarding concern, uploads a
supervision video and plays it (as does the team's supervisor), and closes the
episode. Every page is checked with axe-core and for Content Security Policy
errors (``Visit.check``). Data is made before each ``with visit()`` block and the
database is checked after it (see conftest.py).

Dates follow the pathway's rules (attune/care/phases.py, services.py,
sessions.py): the episode opens on the day of allocation (today), a stage can
only begin on or after the current one began and never in the future, so every
stage change happens today. A session carries the stage the episode was at on
its day, and a session before the episode opened counts as engagement. So the
weekly series starts last month (its past sessions are engagement-stage), and
the session recorded in each intervention phase is a single session booked
earlier today, recorded while the episode is in that phase.
"""

from __future__ import annotations

import re
import time as clock
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.audit.models import AuditEvent
from attune.care.codes import Attendance, EndingKind, Stage
from attune.care.models import (
    Assessment,
    CarePackageItem,
    Contact,
    EngagementAttempt,
    Episode,
    Goal,
    InterventionOption,
    Room,
    SafeguardingConcern,
    SessionSeries,
    Video,
)
from attune.care.tests.video_samples import make_sample
from attune.care.video_storage import read_decrypted
from attune.referrals.codes import Decision
from attune.referrals.services import triage
from attune.referrals.tests.factories import make_referral
from tests.browser.support import authenticator_code, give_authenticator, make_team, member
from tests.browser.visit import Visit, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VERIFY = re.compile(r"/accounts/sign-in/verify/$")
WAITING_LIST = re.compile(r"/referrals/waiting-list/$")
EPISODE = re.compile(r"/care/episodes/(\d+)/$")
CONTACTS = re.compile(r"/care/episodes/\d+/contacts/$")
VIDEO = re.compile(r"/care/videos/(\d+)/$")
STREAM = re.compile(r"/care/videos/\d+/play/$")

INTERVENTION = "Watch, Wait and Wonder"
ROOM = "Garden room"
BABY, CARER = "Maya Shah", "Priya Shah"  # the baby and the carer make_referral creates
GOAL = "To enjoy bath time with Maya without worrying"
SERIES_SESSIONS = 6
SERIES_FIRST_DAYS_AGO = 33  # sessions 33, 26, 19, 12 and 5 days ago, and one in 2 days
SERIES_RECORDED_DAYS_AGO = 5

# Plays the video (muted, so no autoplay rule stops it) and resolves with how it went.
PLAY_TO_THE_END = """video => new Promise(resolve => {
    const timer = setTimeout(() => resolve("timed out at " + video.currentTime), 8000);
    const done = outcome => { clearTimeout(timer); resolve(outcome); };
    video.addEventListener("ended", () => done("ended"), {once: true});
    video.addEventListener("error", () => done("error " + (video.error && video.error.code)),
                           {once: true});
    video.muted = true;
    video.play().catch(error => done("play refused: " + error));
})"""


def expect_heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def sign_in(v: Visit, user: User, key: bytes, team_name: str) -> None:
    v.sign_in_with_password(user.username)
    expect(v.page).to_have_url(VERIFY)
    v.check("enter your security code")
    v.enter_code(authenticator_code(key))
    expect_heading(v.page, re.compile(rf" — {re.escape(team_name)}$"))
    v.check("home")


def go_to(v: Visit, link: str, heading: str | re.Pattern[str]) -> None:
    v.page.get_by_role("navigation", name="Main menu").get_by_role("link", name=link).click()
    expect_heading(v.page, heading)


def episode_area(v: Visit, episode_url: str, link: str, heading: str | re.Pattern[str]) -> None:
    """Back to the episode page, then one of the links listed under "This episode"."""
    v.page.goto(episode_url)
    v.page.locator(".attune-episode-areas").get_by_role("link", name=link, exact=True).click()
    expect_heading(v.page, heading)


def started_slots_today(count: int) -> tuple[list[datetime], int]:
    """``count`` back-to-back session starts earlier today, all already begun, and their length.

    Sessions are recorded only once they have started, and a session's stage is the
    episode's stage on its day: these sessions fall on today, when every phase begins."""
    now = timezone.localtime()
    minutes_today = now.hour * 60 + now.minute
    if minutes_today < count + 1:  # just after midnight: wait for room for the sessions
        clock.sleep((count + 1 - minutes_today) * 60 - now.second + 1)
        now = timezone.localtime()
        minutes_today = now.hour * 60 + now.minute
    gap = min(45, minutes_today // count)
    this_minute = now.replace(second=0, microsecond=0)
    starts = [this_minute - timedelta(minutes=gap * (count - k)) for k in range(count)]
    return starts, max(1, gap * 2 // 3)


def when_text(start: datetime) -> str:
    """How the contacts table starts a session's time: 'Friday 5 June 2026, 09:15–'."""
    return f"{start:%A} {start.day} {start:%B %Y, %H:%M}–"


def book(
    v: Visit,
    start: datetime,
    minutes: int,
    *,
    weekly: int | None = None,
    clinic_room: str | None = None,
) -> None:
    page = v.page
    page.get_by_role("link", name="Book sessions").first.click()
    expect_heading(page, "Book sessions")
    v.check("book sessions")
    page.get_by_label("Date", exact=True).fill(start.date().isoformat())
    page.get_by_label("Start time").fill(f"{start:%H:%M}")
    page.get_by_label("Length in minutes").fill(str(minutes))
    if clinic_room:
        page.get_by_role("group", name="Where").get_by_label("Clinic", exact=True).check()
        page.get_by_label("Room (clinic sessions only)").select_option(
            label=f"{clinic_room} (baby-friendly, video-equipped)"
        )
    else:
        page.get_by_role("group", name="Where").get_by_label("Family home").check()
    expect(page.get_by_label("Pat Practitioner")).to_be_checked()
    how_often = page.get_by_role("group", name="How often")
    if weekly:
        how_often.get_by_label("Every week, at the same time").check()
        page.get_by_label("Number of weekly sessions").fill(str(weekly))
    else:
        how_often.get_by_label("Just this session").check()
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page).to_have_url(CONTACTS)
    expect_heading(page, "Contacts")
    booked = f"{weekly} weekly sessions booked." if weekly else "1 session booked."
    expect(page.get_by_text(booked)).to_be_visible()
    v.check("contacts, after booking")


def record_attended(v: Visit, start: datetime, stage_label: str) -> None:
    """From the contacts page: record that the family came to the session starting ``start``."""
    page = v.page
    row = page.get_by_role("row").filter(has_text=when_text(start))
    expect(row).to_have_count(1)
    row.get_by_role("link", name=re.compile(r"^Record")).click()
    expect_heading(page, "Record the session")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text(when_text(start))
    v.check("record the session")
    page.get_by_role("group", name="What happened").get_by_label("Attended", exact=True).check()
    came = page.get_by_role("group", name="Who came from the family")
    came.get_by_label(f"{BABY} (baby)").check()
    came.get_by_label(f"{CARER} (carer)").check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(CONTACTS)
    expect(page.get_by_text("The session is recorded.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=when_text(start))
    expect(row).to_contain_text("Attended")
    expect(row).to_contain_text(CARER)
    v.check("contacts, after recording a session")
    # The record page now shows the stage the session was recorded in.
    row.get_by_role("link", name=re.compile(r"^Record")).click()
    stage = page.locator(".nhsuk-summary-list__row").filter(has_text="Stage")
    expect(stage.locator("dd")).to_have_text(stage_label)
    v.check("record the session, once recorded")
    page.get_by_role("link", name="Back to the contacts").click()
    expect_heading(page, "Contacts")


def move_phase(v: Visit, episode_url: str, label: str) -> None:
    episode_area(v, episode_url, "Move to the next phase", "Move to the next phase")
    v.check("move to the next phase")
    v.page.get_by_role("group", name="Move the episode to").get_by_label(label).check()
    expect(v.page.get_by_label("Date the phase began")).to_have_value(
        timezone.localdate().isoformat()
    )
    v.page.get_by_role("button", name="Move the episode").click()
    expect(v.page).to_have_url(EPISODE)
    expect(v.page.get_by_text(f"The episode moved to “{label}”.")).to_be_visible()
    expect(v.page.locator("[aria-current=step]")).to_contain_text(label)
    v.check(f"episode, in the {label} stage")


def play_video(v: Visit, plays: list[str]) -> None:
    """Press play on the page's video (it fetches nothing before); every stream request is kept."""
    player = v.page.locator("video.attune-video")
    expect(player).to_have_attribute("preload", "none")
    with v.page.expect_response(STREAM) as streamed:
        outcome = player.evaluate(PLAY_TO_THE_END)
    response = streamed.value
    assert response.status == 200
    assert response.headers["content-type"] == "video/mp4"
    assert outcome == "ended", f"the video did not play to its end: {outcome}"
    assert plays, "the stream requests were not seen"


def test_the_whole_care_pathway(visit: VisitFactory, settings: object, tmp_path: Path) -> None:
    # Data: a team with its three people, a family on the waiting list, an
    # intervention to offer, a room, and a tiny real recording to upload.
    settings.ATTUNE_VIDEO_ROOT = tmp_path / "video-store"  # type: ignore[attr-defined]
    team = make_team("Brookside parent-infant team")
    manager = member(Role.MANAGER, team, first_name="Morgan", last_name="Manager")
    practitioner = member(Role.PRACTITIONER, team, first_name="Pat", last_name="Practitioner")
    supervisor = member(Role.SUPERVISOR, team, first_name="Sam", last_name="Supervisor")
    manager_key = give_authenticator(manager)
    practitioner_key = give_authenticator(practitioner)
    supervisor_key = give_authenticator(supervisor)

    today = timezone.localdate()
    referral = make_referral(
        team=team, submitted_by=manager, received_on=today - timedelta(days=40)
    )
    triage(
        actor=manager,
        referral=referral,
        expected_version=referral.version,
        decision=Decision.ACCEPT,
        priority=2,
    )
    family = referral.family.name
    reference = f"R{referral.pk}"
    InterventionOption.objects.create(team=team, name=INTERVENTION)
    Room.objects.create(team=team, name=ROOM, baby_friendly=True, video_equipped=True)
    recording = tmp_path / "session-recording.mp4"
    recording.write_bytes(make_sample(tmp_path, "mp4", seconds=2))

    yesterday = today - timedelta(days=1)
    review_on = today + timedelta(weeks=6)
    series_start = timezone.make_aware(
        datetime.combine(today - timedelta(days=SERIES_FIRST_DAYS_AGO), time(10, 0))
    )
    series_recorded = series_start + timedelta(
        weeks=(SERIES_FIRST_DAYS_AGO - SERIES_RECORDED_DAYS_AGO) // 7
    )
    (early_start, middle_start, ending_start), single_minutes = started_slots_today(3)
    practitioner_plays: list[str] = []
    supervisor_plays: list[str] = []

    # 1. The manager allocates the family to the practitioner.
    with visit() as m:
        sign_in(m, manager, manager_key, team.name)
        go_to(m, "Waiting list", "Waiting list")
        row = m.page.get_by_role("row").filter(has_text=f"({reference})")
        expect(row).to_contain_text(family)
        m.check("waiting list")
        row.get_by_label("Practitioner").select_option(label="Pat Practitioner (0 families)")
        row.get_by_role("button", name=f"Allocate {family}").click()
        expect(m.page).to_have_url(WAITING_LIST)
        expect(m.page.get_by_test_id("waiting-count")).to_have_text("0")
        expect(m.page.get_by_text("No families are waiting.")).to_be_visible()
        m.check("waiting list, after allocating")

    with visit() as v:
        page = v.page
        sign_in(v, practitioner, practitioner_key, team.name)

        # 2. Caseload, the episode, an engagement attempt, then assessment.
        go_to(v, "Caseload", "Your caseload")
        caseload_row = page.get_by_role("row").filter(has_text=family)
        expect(caseload_row).to_contain_text("Engagement")
        v.check("caseload")
        caseload_row.get_by_role("link", name=family).click()
        expect(page).to_have_url(EPISODE)
        expect_heading(page, family)
        expect(page.locator("[aria-current=step]")).to_contain_text("Engagement")
        expect(page.get_by_test_id("safeguarding-banner")).to_have_count(0)
        episode_url = page.url
        v.check("episode")

        episode_area(v, episode_url, "Engagement", "Reaching the family")
        v.check("engagement")
        page.get_by_role("group", name="How did you try to reach the family?").get_by_label(
            "Phone call"
        ).check()
        page.get_by_role("group", name="What happened?").get_by_label("Appointment booked").check()
        page.get_by_label("Date of the attempt").fill(yesterday.isoformat())
        page.get_by_label("Time", exact=True).fill("10:30")
        page.get_by_label("Next step").fill("First visit at home next week")
        page.get_by_role("button", name="Record the attempt").click()
        expect(page.get_by_text("The attempt was recorded.")).to_be_visible()
        attempts = page.get_by_role("table", name="Attempts to reach the family")
        expect(attempts.get_by_role("row").filter(has_text="Phone call")).to_contain_text(
            "Appointment booked"
        )
        expect(page.get_by_text("and the team has spoken with the family")).to_be_visible()
        v.check("engagement, after an attempt")
        page.get_by_role("button", name="The family is ready: move on to assessment today").click()
        expect(page).to_have_url(EPISODE)
        expect(page.get_by_text("The episode moved to “Assessment”.")).to_be_visible()
        expect(page.locator("[aria-current=step]")).to_contain_text("Assessment")
        v.check("episode, in assessment")

        # The assessment (some text, a few NG26 domains, a goal), completed: the early phase starts.
        episode_area(v, episode_url, "Assessment", "Assessment")
        v.check("assessment, not started")
        page.get_by_role("link", name="Start the assessment").click()
        expect_heading(page, "Edit the assessment")
        expect(page.get_by_label("What the referrer told us")).to_have_value(
            "Mum is finding the early weeks very hard."
        )
        v.check("edit the assessment")
        page.get_by_label("The conversation with the family").fill(
            "Priya described feeling flat since the birth and unsure of Maya's cues."
        )
        page.get_by_label("Observation of the parent–infant interaction").fill(
            "Maya looked to Priya often; Priya's responses were warm but hesitant."
        )
        page.get_by_label("Questionnaires used").fill("PHQ-9, GAD-7")
        page.get_by_label("Formulation").fill("A loving relationship under strain from low mood.")
        for domain in (
            "The child's attachment pattern and relationships",
            "Developmental status",
            "Parental sensitivity",
        ):
            page.get_by_label(domain, exact=True).check()
        page.get_by_label("Notes: parental sensitivity").fill("Warm, sometimes slow to respond.")
        page.get_by_role("button", name="Save the assessment").click()
        expect_heading(page, "Assessment")
        expect(page.get_by_text("The assessment was saved.")).to_be_visible()
        domains = page.get_by_role("table", name=re.compile("Areas of a comprehensive"))
        expect(domains.get_by_role("row").filter(has_text="Parental sensitivity")).to_contain_text(
            "Warm, sometimes slow to respond."
        )
        expect(domains.get_by_role("cell", name="Yes", exact=True)).to_have_count(3)
        v.check("assessment, saved")

        page.get_by_label("The goal, in the family's own words").fill(GOAL)
        page.get_by_label("Whose goal is it? (optional)").select_option(label=CARER)
        page.get_by_role("button", name="Add the goal").click()
        expect(page.get_by_text("The goal was added.")).to_be_visible()
        expect(page.get_by_role("listitem").filter(has_text=GOAL)).to_contain_text(CARER)
        v.check("assessment, with a goal")

        expect(page.get_by_label("Date the assessment was completed")).to_have_value(
            today.isoformat()
        )
        expect(
            page.get_by_label("Start the early phase of intervention on the same day")
        ).to_be_checked()
        page.get_by_role("button", name="Mark the assessment complete").click()
        expect(page.get_by_text("The assessment is complete.")).to_be_visible()
        expect(page.get_by_text(f"Completed {today:%-d %B %Y}")).to_be_visible()
        v.check("assessment, completed")
        page.goto(episode_url)
        expect(page.locator("[aria-current=step]")).to_contain_text("Intervention – early phase")
        v.check("episode, in the early phase")

        # 3. The care package.
        episode_area(v, episode_url, "Care package", "Care package")
        v.check("care package")
        page.get_by_role("link", name="Add an intervention").click()
        expect_heading(page, "Add an intervention")
        v.check("add an intervention")
        page.get_by_label("Intervention", exact=True).select_option(label=INTERVENTION)
        page.get_by_role("group", name="Who takes part").get_by_label(
            "Parent and baby together (dyad)"
        ).check()
        page.get_by_label("How often").fill("Weekly")
        page.get_by_label("Number of sessions planned").fill("12")
        page.get_by_role("group", name="Who will deliver it").get_by_label(
            "Pat Practitioner"
        ).check()
        page.get_by_label("Start date").fill(today.isoformat())
        page.get_by_label("Review date").fill(review_on.isoformat())
        page.get_by_role("button", name="Add to the care package").click()
        expect_heading(page, "Care package")
        expect(page.get_by_text("The intervention was added to the care package.")).to_be_visible()
        item = page.get_by_role("table", name="Planned interventions").get_by_role("row")
        item = item.filter(has_text=INTERVENTION)
        for shown in ("Parent and baby together (dyad)", "Weekly", "12", "Pat Practitioner"):
            expect(item).to_contain_text(shown)
        expect(item).to_contain_text(f"{review_on:%-d %b %Y}")
        v.check("care package, with an item")

        # 4. Sessions: a weekly series from last month at the clinic, one of its past
        # sessions recorded; then a session earlier today recorded in each phase.
        episode_area(v, episode_url, "Contacts", "Contacts")
        v.check("contacts, none yet")
        book(v, series_start, 60, weekly=SERIES_SESSIONS, clinic_room=ROOM)
        expect(page.get_by_role("table").first.locator("tbody tr")).to_have_count(SERIES_SESSIONS)
        expect(page.get_by_role("listitem").filter(has_text="Every ")).to_contain_text(
            f"from {series_start.day} {series_start:%B %Y}, with Pat Practitioner"
        )
        record_attended(v, series_recorded, "Engagement")  # before the episode opened

        book(v, early_start, single_minutes)
        record_attended(v, early_start, "Intervention – early phase")

        move_phase(v, episode_url, "Intervention – middle phase")
        episode_area(v, episode_url, "Contacts", "Contacts")
        book(v, middle_start, single_minutes)
        record_attended(v, middle_start, "Intervention – middle phase")

        move_phase(v, episode_url, "Intervention – ending phase")
        expect(page.get_by_text("End-of-therapy measures due")).to_be_visible()
        episode_area(v, episode_url, "Contacts", "Contacts")
        book(v, ending_start, single_minutes)
        record_attended(v, ending_start, "Intervention – ending phase")
        expect(page.get_by_role("table").first.locator("tbody tr")).to_have_count(
            SERIES_SESSIONS + 3
        )

        # 5. A safeguarding concern: the banner then shows on the family's pages.
        episode_area(v, episode_url, "Safeguarding concerns", "Safeguarding concerns")
        v.check("safeguarding concerns, none yet")
        page.get_by_role("link", name="Record a safeguarding concern").click()
        expect_heading(page, "Record a safeguarding concern")
        v.check("record a safeguarding concern")
        page.get_by_label("Category").select_option(label="Domestic abuse in the home")
        expect(page.get_by_label("Date of the concern")).to_have_value(today.isoformat())
        page.get_by_label("What happened").fill(
            "Priya said her partner shouted at her while she held Maya."
        )
        page.get_by_label("Who was informed").fill("The duty social worker, by phone today.")
        page.get_by_label("Action taken").fill("Safety plan discussed with Priya.")
        page.get_by_role("button", name="Record the concern").click()
        expect_heading(page, "Safeguarding concern: Domestic abuse in the home")
        expect(page.get_by_test_id("safeguarding-banner")).to_be_visible()
        v.check("safeguarding concern")
        page.goto(episode_url)
        banner = page.get_by_test_id("safeguarding-banner")
        expect(banner.get_by_role("heading", name="Safeguarding concern open")).to_be_visible()
        expect(banner).to_contain_text("There is an open safeguarding concern about this family.")
        v.check("episode, with a safeguarding concern open")

        # 6. A supervision video: uploaded with consent, opened and played.
        episode_area(v, episode_url, "Videos", "Videos")
        v.check("videos, none yet")
        page.get_by_role("link", name="Add a video").click()
        expect_heading(page, "Add a video")
        v.check("add a video")
        page.get_by_label("Date of the recording").fill(today.isoformat())
        page.get_by_role("group", name="What the family agreed it can be used for").get_by_label(
            "Supervision", exact=True
        ).check()
        page.get_by_role("group", name="Who agreed to the recording").get_by_label(CARER).check()
        page.get_by_label("Video file").set_input_files(recording)
        page.get_by_role("button", name="Add the video").click()
        expect(page).to_have_url(VIDEO)
        expect_heading(page, f"Video recorded {today:%-d %B %Y}")
        expect(
            page.get_by_text("The video was added. Location and device details were removed.")
        ).to_be_visible()
        video_url = page.url
        v.check("video")

        page.on(
            "response", lambda r: practitioner_plays.append(r.url) if STREAM.search(r.url) else None
        )
        play_video(v, practitioner_plays)
        v.check("video, after playing")

        # The team's supervisor watches it too, in their own browser.
        with visit() as s:
            sign_in(s, supervisor, supervisor_key, team.name)
            go_to(s, "Caseload", "Your caseload")
            s.page.get_by_role("link", name="Show the whole team's families").click()
            expect_heading(s.page, "The team's caseload")
            s.check("the team's caseload")
            s.page.get_by_role("row").filter(has_text=family).get_by_role(
                "link", name=family
            ).click()
            expect_heading(s.page, family)
            s.check("episode, for the supervisor")
            s.page.locator(".attune-episode-areas").get_by_role("link", name="Videos").click()
            expect_heading(s.page, "Videos")
            s.check("videos, for the supervisor")
            s.page.get_by_role("link", name=re.compile("watch this video")).click()
            expect(s.page).to_have_url(video_url)
            s.check("video, for the supervisor")
            s.page.on(
                "response",
                lambda r: supervisor_plays.append(r.url) if STREAM.search(r.url) else None,
            )
            play_video(s, supervisor_plays)
            s.check("video, after the supervisor played it")

        # 7. Closing the episode (a planned ending), then the closing letter.
        episode_area(v, episode_url, "Ending", "Ending the work with the family")
        v.check("ending")
        page.get_by_role("group", name="How did the work end?").get_by_label(
            "Planned ending", exact=True
        ).check()
        page.get_by_label("Reason for ending").fill("Goals met")
        expect(page.get_by_label("Closing date")).to_have_value(today.isoformat())
        page.get_by_role("button", name="Close the episode").click()
        expect_heading(page, "Ending the work with the family")
        expect(
            page.get_by_text("The episode is closed. The closing letter is ready to print.")
        ).to_be_visible()
        closed = page.locator(".nhsuk-summary-list")
        expect(closed).to_contain_text("Planned ending")
        expect(closed).to_contain_text("Goals met")
        v.check("ending, closed")
        page.get_by_role("link", name="Print the closing letter").click()
        expect_heading(page, f"Our work with the {family} has ended")
        letter = page.locator(".attune-letter")
        expect(letter).to_contain_text("as planned with the family")
        expect(letter).to_contain_text("The family attended 4 sessions.")
        v.check("closing letter")
        page.goto(episode_url)
        expect(page.locator("[aria-current=step]")).to_contain_text("Closed")
        v.check("episode, closed")

    # What the database holds after the journey.
    episode = Episode.objects.get()
    assert episode.referral == referral
    assert episode.lead_practitioner == practitioner
    assert episode.stage == Stage.CLOSED
    assert episode.opened_on == episode.closed_on == today
    assert episode.ending_kind == EndingKind.PLANNED
    assert episode.ending_reason == "Goals met"
    changes = list(episode.stage_changes.order_by("changed_on", "id"))
    assert [c.stage for c in changes] == [
        Stage.ENGAGEMENT,
        Stage.ASSESSMENT,
        Stage.EARLY,
        Stage.MIDDLE,
        Stage.ENDING,
        Stage.CLOSED,
    ]
    assert {c.changed_on for c in changes} == {today}
    assert [c.changed_by for c in changes] == [manager] + [practitioner] * 5

    attempt = EngagementAttempt.objects.get(episode=episode)
    assert (attempt.method, attempt.outcome) == ("phone", "booked")
    assert timezone.localtime(attempt.attempted_at).date() == yesterday
    assessment = Assessment.objects.get(episode=episode)
    assert assessment.completed_on == today
    assert assessment.questionnaires_used == "PHQ-9, GAD-7"
    assert set(assessment.domains.filter(considered=True).values_list("domain", flat=True)) == {
        "attachment",
        "development",
        "sensitivity",
    }
    goal = Goal.objects.get(episode=episode)
    assert goal.wording == GOAL and goal.person is not None and goal.person.given_name == "Priya"
    item = CarePackageItem.objects.get(episode=episode)
    assert item.intervention.name == INTERVENTION
    assert (item.delivery_format, item.frequency, item.planned_sessions) == ("dyad", "Weekly", 12)
    assert item.review_on == review_on
    assert list(item.practitioners.all()) == [practitioner]

    series = SessionSeries.objects.get(episode=episode)
    assert series.contacts.count() == SERIES_SESSIONS
    assert series.contacts.filter(room__name=ROOM).count() == SERIES_SESSIONS
    assert series.contacts.filter(starts_at__lt=timezone.now()).count() == SERIES_SESSIONS - 1
    attended = Contact.objects.filter(episode=episode, attendance=Attendance.ATTENDED)
    assert attended.count() >= 3
    assert {(c.starts_at, c.stage) for c in attended} == {
        (series_recorded, Stage.ENGAGEMENT),
        (early_start, Stage.EARLY),
        (middle_start, Stage.MIDDLE),
        (ending_start, Stage.ENDING),
    }
    for contact in attended:
        assert {p.given_name for p in contact.people_present.all()} == {"Maya", "Priya"}

    concern = SafeguardingConcern.objects.get()
    assert concern.episode == episode
    assert concern.is_open and concern.raised_by == practitioner
    assert concern.category == "domestic_abuse"

    video = Video.objects.get()
    assert video.episode == episode and video.uploaded_by == practitioner
    assert list(video.consented_by.values_list("given_name", flat=True)) == ["Priya"]
    stored = (tmp_path / "video-store" / video.storage_name).read_bytes()
    plain = read_decrypted(video.storage_name)
    assert plain[4:8] == b"ftyp"  # an MP4 once decrypted
    assert not stored.startswith(plain[:8]) and b"ftyp" not in stored
    played = AuditEvent.objects.filter(
        action="video.played", object_type="care.video", object_id=str(video.pk)
    )
    assert played.filter(actor=practitioner).count() == len(practitioner_plays) >= 1
    assert played.filter(actor=supervisor).count() == len(supervisor_plays) >= 1
    assert played.count() == len(practitioner_plays) + len(supervisor_plays)

    events = AuditEvent.objects.filter(team_id=team.pk)
    expected_actions = {
        "referral.allocated": manager,
        "episode.opened": manager,
        "engagement.attempt_recorded": practitioner,
        "episode.stage_changed": practitioner,
        "assessment.started": practitioner,
        "assessment.completed": practitioner,
        "goal.added": practitioner,
        "care_package.item_added": practitioner,
        "session.booked": practitioner,
        "contact.recorded": practitioner,
        "safeguarding.raised": practitioner,
        "safeguarding.viewed": practitioner,
        "video.uploaded": practitioner,
        "video.moments_viewed": supervisor,
        "episode.closed": practitioner,
    }
    for action, actor in expected_actions.items():
        assert events.filter(action=action, actor=actor).exists(), f"no {action} event by {actor}"
    assert events.filter(action="episode.stage_changed").count() == 5
    assert events.filter(action="session.booked", actor=practitioner).count() == 4
    assert events.filter(action="contact.recorded", actor=practitioner).count() == 4
