"""Who can watch a recording, the audit of every play, moments and clips, and retention."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.tests.factories import sign_in_verified
from attune.audit.models import AuditEvent
from attune.care import video as video_services
from attune.care.codes import VideoUse
from attune.care.models import Video, VideoMoment
from attune.care.tests.factories import make_episode, world_episode
from attune.care.tests.video_samples import samples, stored_files, video_root  # noqa: F401
from attune.care.video import VideoDetails
from attune.care.video_forms import MomentForm
from attune.families.models import FamilyMember

pytestmark = pytest.mark.django_db

CANARY = "Marigold-Canary-7731"


def make_video(world, episode, content: bytes, **overrides) -> Video:
    people = [m.person for m in FamilyMember.objects.filter(family=episode.family)][:1]
    values = {
        "recorded_on": timezone.localdate(),
        "use": VideoUse.SHARED_REVIEW,
        "consented_by": people,
    }
    values.update(overrides)
    video, _ = video_services.upload_video(
        actor=world.users["practitioner"],
        episode=episode,
        upload=SimpleUploadedFile("clip.mp4", content),
        details=VideoDetails(**values),
    )
    return video


def plays(video: Video) -> int:
    return AuditEvent.objects.filter(action="video.played", object_id=str(video.pk)).count()


EXPECTED = {
    "practitioner": 200,
    "supervisor": 200,
    "colleague": 404,
    "other_practitioner": 404,
    "manager": 404,
    "administrator": 403,
    "commissioner": 403,
    "referrer": 403,
    "system_admin": 403,
    "password_only": 302,
    "anonymous": 302,
}


@pytest.mark.parametrize(("persona", "status"), EXPECTED.items())
def test_only_the_episodes_practitioners_and_supervisor_can_play(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
    persona: str,
    status: int,
) -> None:
    episode = world_episode(world)
    episode.family.name = CANARY
    episode.family.save(update_fields=["name"])
    video = make_video(world, episode, samples["mp4"])
    client = client_for(persona)
    for name in ("care:video_stream", "care:video"):
        response = client.get(reverse(name, args=[video.pk]))
        assert response.status_code == status, name
        if status != 200:
            assert CANARY.encode() not in response.content
            assert b"ftyp" not in response.content
    assert plays(video) == (1 if status == 200 else 0)


def test_a_play_streams_the_stripped_video_with_safe_headers(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
) -> None:
    video = make_video(world, world_episode(world), samples["mp4"])
    response = client_for("practitioner").get(reverse("care:video_stream", args=[video.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"] == f'inline; filename="attune-video-{video.pk}.mp4"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response.content[4:8] == b"ftyp"
    assert b"+51.5074" not in response.content


def test_every_play_is_one_audit_event(world, client_for, samples, video_root) -> None:  # noqa: F811
    episode = world_episode(world)
    video = make_video(world, episode, samples["mp4"])
    client = client_for("supervisor")
    for expected in (1, 2, 3):
        client.get(reverse("care:video_stream", args=[video.pk]))
        assert plays(video) == expected
    event = AuditEvent.objects.filter(action="video.played").last()
    assert event.actor == world.users["supervisor"] and event.details["episode"] == episode.pk


def test_a_practitioner_added_to_the_episode_can_play(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
) -> None:
    episode = world_episode(world)
    video = make_video(world, episode, samples["mp4"])
    client = client_for("colleague")
    assert client.get(reverse("care:video_stream", args=[video.pk])).status_code == 404
    episode.practitioners.add(world.users["colleague"])
    assert client.get(reverse("care:video_stream", args=[video.pk])).status_code == 200


def test_guessed_ids_and_other_teams_videos_are_not_found(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
) -> None:
    theirs = make_episode(
        team=world.other_team,
        manager=world.users["other_practitioner"],
        practitioner=world.users["other_practitioner"],
    )
    video = make_video(world, theirs, samples["mp4"])
    client = client_for("supervisor")
    for url in (
        reverse("care:video_stream", args=[video.pk]),
        reverse("care:video", args=[video.pk]),
        reverse("care:video_stream", args=[video.pk + 1000]),
        reverse("care:videos", args=[theirs.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"ftyp" not in response.content
    denied = client.post(
        reverse("care:video_moment_add", args=[video.pk]), {"at": "0:01", "note": "x"}
    )
    assert denied.status_code == 404
    assert plays(video) == 0 and VideoMoment.objects.count() == 0


def test_the_video_page_plays_from_the_stream_without_inline_script(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
) -> None:
    video = make_video(world, world_episode(world), samples["mp4"])
    response = client_for("practitioner").get(reverse("care:video", args=[video.pk]))
    html = response.content.decode()
    stream = reverse("care:video_stream", args=[video.pk])
    assert f'src="{stream}"' in html and 'preload="none"' in html
    assert "<script>" not in html and "onclick" not in html
    # Opening the page reads the moments (audited once) but does not play the video.
    assert plays(video) == 0
    viewed = AuditEvent.objects.filter(action="video.moments_viewed", object_id=str(video.pk))
    assert viewed.count() == 1


def test_moments_and_clips(world, client_for, samples, video_root) -> None:  # noqa: F811
    video = make_video(world, world_episode(world), samples["mp4"])
    client = client_for("practitioner")
    add = reverse("care:video_moment_add", args=[video.pk])
    response = client.post(add, {"at": "0:01", "clip_end": "0:02", "note": "Mum's smile back"})
    assert response.status_code == 302
    client.post(add, {"at": "0:01", "clip_end": "0:02", "note": "Mum's smile back"})
    moment = VideoMoment.objects.get()
    assert (moment.at_seconds, moment.clip_end_seconds) == (1.0, 2.0)
    assert AuditEvent.objects.filter(action="video.moment_added").count() == 1
    page = client.get(reverse("care:video", args=[video.pk]) + f"?moment={moment.pk}")
    html = page.content.decode()
    stream = reverse("care:video_stream", args=[video.pk])
    assert f'src="{stream}#t=1,2"' in html
    assert "Mum&#39;s smile back" in html and "Clip from 0:01 to 0:02" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"at": "0:05", "note": "x"}, "The video is only 0:02 long"),
        ({"at": "soon", "note": "x"}, "Enter the time as minutes and seconds"),
        ({"at": "0:01", "clip_end": "0:01", "note": "x"}, "must end after"),
        ({"at": "0:01", "clip_end": "0:09", "note": "x"}, "when the video ends"),
        ({"at": "0:01", "note": ""}, "Write what you noticed"),
    ],
)
def test_moment_errors_are_clear(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
    data,
    message,
) -> None:
    video = make_video(world, world_episode(world), samples["mp4"])
    response = client_for("practitioner").post(
        reverse("care:video_moment_add", args=[video.pk]), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert VideoMoment.objects.count() == 0


def test_clips_are_short() -> None:
    form = MomentForm({"at": "1:00", "clip_end": "3:30", "note": "x"}, duration=600)
    assert not form.is_valid()
    assert "at most 2 minutes" in form.errors["clip_end"][0]
    assert MomentForm({"at": "1:00", "clip_end": "2:30", "note": "x"}, duration=600).is_valid()


def test_moment_notes_are_encrypted(world, samples, video_root) -> None:  # noqa: F811
    from django.db import connection

    video = make_video(world, world_episode(world), samples["mp4"])
    moment, _ = video_services.add_moment(
        actor=world.users["practitioner"],
        video=video,
        at_seconds=1,
        clip_end_seconds=None,
        note=CANARY,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM care_videomoment WHERE id = %s", [moment.pk])
        assert CANARY not in cursor.fetchone()[0]


def test_purge_deletes_expired_files_and_keeps_the_record(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
) -> None:
    episode = world_episode(world)
    long_ago = timezone.localdate() - timedelta(days=400)
    expired = make_video(
        world, episode, samples["mp4"], recorded_on=long_ago, retain_until=long_ago + timedelta(1)
    )
    kept = make_video(world, episode, samples["mp4_other"])
    assert len(stored_files(video_root)) == 2
    lines: list[str] = []
    assert video_services.purge_expired_videos(progress=lines.append) == 1
    assert any("1 video(s) past" in line for line in lines)
    expired.refresh_from_db()
    assert expired.deleted_at is not None
    assert [f.name for f in stored_files(video_root)] == [kept.storage_name]
    assert AuditEvent.objects.filter(action="video.purged", object_id=str(expired.pk)).count() == 1
    # Rerunning finds nothing more to do.
    assert video_services.purge_expired_videos() == 0
    assert AuditEvent.objects.filter(action="video.purged").count() == 1
    client = client_for("practitioner")
    assert client.get(reverse("care:video_stream", args=[expired.pk])).status_code == 404
    listing = client.get(reverse("care:videos", args=[episode.pk])).content.decode()
    deleted_on = timezone.localdate().strftime("%-d %B %Y")
    assert f"Deleted on {deleted_on} after its retention period" in listing
    assert plays(expired) == 0


def test_purge_command_prints_progress(world, samples, video_root) -> None:  # noqa: F811
    long_ago = timezone.localdate() - timedelta(days=400)
    make_video(
        world,
        world_episode(world),
        samples["mp4"],
        recorded_on=long_ago,
        retain_until=long_ago + timedelta(1),
    )
    out = StringIO()
    call_command("purge_expired_videos", stdout=out)
    assert "[1/1] video" in out.getvalue() and "1 deleted" in out.getvalue()
    assert stored_files(video_root) == []
    event = AuditEvent.objects.get(action="video.purged")
    assert event.actor is None and event.request_id


def test_a_video_due_today_is_kept_until_tomorrow(world, samples, video_root) -> None:  # noqa: F811
    today = timezone.localdate()
    make_video(
        world,
        world_episode(world),
        samples["mp4"],
        recorded_on=today - timedelta(days=10),
        retain_until=today,
    )
    assert video_services.purge_expired_videos(today=today) == 0
    assert video_services.purge_expired_videos(today=today + timedelta(days=1)) == 1


@pytest.mark.parametrize("count", [1, 3])
def test_video_list_query_count_does_not_grow(
    world,
    samples,  # noqa: F811
    video_root,  # noqa: F811
    django_assert_num_queries,
    count: int,
) -> None:
    episode = world_episode(world)
    for index in range(count):
        make_video(
            world, episode, samples["mp4"], recorded_on=timezone.localdate() - timedelta(index)
        )
        # Each needs distinct bytes, or it is the same recording and kept once.
        Video.objects.filter(pk=Video.objects.latest("id").pk).update(sha256=f"{index}")
    client = Client()
    sign_in_verified(client, world.users["practitioner"])
    client.get(reverse("home"))
    with django_assert_num_queries(12):
        response = client.get(reverse("care:videos", args=[episode.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("watch this video") == count
