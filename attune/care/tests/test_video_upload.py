"""Adding a recording: checked by content, stripped, encrypted, and never half-stored."""

from __future__ import annotations

import contextlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.care import video as video_services
from attune.care.codes import VideoUse
from attune.care.models import CareSettings, Video
from attune.care.tests.factories import world_episode
from attune.care.tests.video_samples import (  # noqa: F401
    LOCATION,
    samples,
    stored_files,
    video_root,
)
from attune.care.video import VideoDetails
from attune.care.video_probe import VideoRejected
from attune.care.video_storage import read_decrypted
from attune.families.models import FamilyMember

pytestmark = pytest.mark.django_db


def carers(episode):
    return [m.person for m in FamilyMember.objects.filter(family=episode.family)][:1]


def details(episode, **overrides) -> VideoDetails:
    values = {
        "recorded_on": timezone.localdate(),
        "use": VideoUse.SHARED_REVIEW,
        "consented_by": carers(episode),
    }
    values.update(overrides)
    return VideoDetails(**values)


def upload(content: bytes, name: str = "session.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="video/mp4")


def post_data(episode, content: bytes, name: str = "session.mp4", **overrides) -> dict:
    data = {
        "recorded_on": timezone.localdate().isoformat(),
        "use": VideoUse.SUPERVISION,
        "consented_by": [p.pk for p in carers(episode)],
        "retain_until": "",
        "video": upload(content, name),
    }
    data.update(overrides)
    return data


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("clip.mp4", b"x" * 100)
    return buffer.getvalue()


def test_a_real_video_is_stored_encrypted_and_stripped(world, samples, video_root) -> None:  # noqa: F811
    episode = world_episode(world)
    video, created = video_services.upload_video(
        actor=world.users["practitioner"],
        episode=episode,
        upload=upload(samples["mp4"], "../../x.mp4"),
        details=details(episode),
    )
    assert created
    files = stored_files(video_root)
    assert [f.name for f in files] == [video.storage_name]
    assert len(video.storage_name) == 36 and video.storage_name.endswith(".bin")
    stored = files[0].read_bytes()
    # Stored bytes are ciphertext: no container boxes, no location, not the upload.
    assert b"ftyp" not in stored and b"moov" not in stored
    assert LOCATION.encode() not in stored
    plain = read_decrypted(video.storage_name)
    assert plain[4:8] == b"ftyp"
    assert LOCATION.encode() not in plain and b"Sample for tests" not in plain
    assert video.content_type == "video/mp4"
    assert video.size_bytes == len(plain)
    assert video.duration_seconds == pytest.approx(2.0, abs=0.2)
    assert list(video.consented_by.all()) == carers(episode)
    settings_days = CareSettings().video_retention_days
    assert video.retain_until == timezone.localdate() + timedelta(days=settings_days)
    assert AuditEvent.objects.filter(action="video.uploaded", object_id=str(video.pk)).count() == 1


def test_webm_is_accepted_too(world, samples, video_root) -> None:  # noqa: F811
    episode = world_episode(world)
    video, _ = video_services.upload_video(
        actor=world.users["practitioner"],
        episode=episode,
        upload=upload(samples["webm"], "clip.webm"),
        details=details(episode),
    )
    assert video.content_type == "video/webm"


def test_retention_follows_the_teams_setting(world, samples, video_root) -> None:  # noqa: F811
    CareSettings.objects.create(team=world.team, video_retention_days=30)
    episode = world_episode(world)
    recorded = timezone.localdate() - timedelta(days=3)
    video, _ = video_services.upload_video(
        actor=world.users["practitioner"],
        episode=episode,
        upload=upload(samples["mp4"]),
        details=details(episode, recorded_on=recorded),
    )
    assert video.retain_until == recorded + timedelta(days=30)
    with pytest.raises(VideoRejected, match="no later than"):
        video_services.upload_video(
            actor=world.users["practitioner"],
            episode=episode,
            upload=upload(samples["mp4_other"]),
            details=details(
                episode, recorded_on=recorded, retain_until=recorded + timedelta(days=31)
            ),
        )


@pytest.mark.parametrize(
    ("content_name", "message"),
    [
        ("html", "not a video"),
        ("zip", "not a video"),
        ("disguised", "could not be read"),
        ("truncated", "could not be read"),
        ("truncated_faststart", "could not be read"),
    ],
)
def test_bad_files_are_refused_with_nothing_left_behind(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
    content_name: str,
    message: str,
) -> None:
    contents = {
        "html": b"<!DOCTYPE html><html><body>Not a video</body></html>",
        "zip": a_zip(),
        "disguised": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2<html></html>",
        **samples,
    }
    episode = world_episode(world)
    response = client_for("practitioner").post(
        reverse("care:video_upload", args=[episode.pk]),
        post_data(episode, contents[content_name]),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Video.objects.count() == 0
    assert stored_files(video_root) == []
    assert not AuditEvent.objects.filter(action="video.uploaded").exists()


def test_an_empty_file_gets_a_clear_message(world, client_for, video_root) -> None:  # noqa: F811
    episode = world_episode(world)
    response = client_for("practitioner").post(
        reverse("care:video_upload", args=[episode.pk]), post_data(episode, b"")
    )
    assert response.status_code == 400
    assert "The selected file is empty" in response.content.decode()
    assert Video.objects.count() == 0 and stored_files(video_root) == []


def test_over_the_limit_is_refused_while_it_arrives(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
    settings,
) -> None:
    settings.ATTUNE_VIDEO_MAX_BYTES = 1024
    episode = world_episode(world)
    response = client_for("practitioner").post(
        reverse("care:video_upload", args=[episode.pk]), post_data(episode, samples["mp4"])
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The video must be smaller than" in body
    # The fields before the file were kept, so only the file needs choosing again.
    assert "Choose what the family agreed" not in body
    assert Video.objects.count() == 0 and stored_files(video_root) == []


def test_the_service_also_caps_the_size(world, samples, video_root, settings) -> None:  # noqa: F811
    settings.ATTUNE_VIDEO_MAX_BYTES = 1024
    episode = world_episode(world)
    with pytest.raises(VideoRejected, match="smaller than"):
        video_services.upload_video(
            actor=world.users["practitioner"],
            episode=episode,
            upload=upload(samples["mp4"]),
            details=details(episode),
        )
    assert stored_files(video_root) == []


def test_upload_through_the_page_and_a_double_submission(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
) -> None:
    episode = world_episode(world)
    client = client_for("practitioner")
    url = reverse("care:video_upload", args=[episode.pk])
    assert client.get(url).status_code == 200
    first = client.post(url, post_data(episode, samples["mp4"], "../../x.mp4"))
    video = Video.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("care:video", args=[video.pk])
    second = client.post(url, post_data(episode, samples["mp4"], "../../x.mp4"), follow=True)
    assert "already been added" in second.content.decode()
    assert Video.objects.count() == 1 and len(stored_files(video_root)) == 1
    assert "x.mp4" not in video.storage_name
    assert AuditEvent.objects.filter(action="video.uploaded").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recorded_on", "2999-01-01", "must be today or in the past"),
        ("recorded_on", "not a date", "Enter a real date"),
        ("consented_by", [], "Choose who agreed to the recording"),
        ("consented_by", ["999999"], "Choose people from this family"),
        ("use", "marketing", "Select a valid choice"),
        ("retain_until", "2000-01-01", "must be after the recording"),
    ],
)
def test_form_errors_are_shown_beside_the_field(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
    field: str,
    value,
    message: str,
) -> None:
    episode = world_episode(world)
    response = client_for("practitioner").post(
        reverse("care:video_upload", args=[episode.pk]),
        post_data(episode, samples["mp4"], **{field: value}),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    # A browser never refills a file input, so the page asks for the file again.
    assert "Choose the video file again" in response.content.decode()
    assert Video.objects.count() == 0 and stored_files(video_root) == []


def test_a_failed_row_removes_its_file(world, samples, video_root, monkeypatch) -> None:  # noqa: F811
    episode = world_episode(world)

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(video_services, "record", broken_audit)
    with pytest.raises(RuntimeError):
        video_services.upload_video(
            actor=world.users["practitioner"],
            episode=episode,
            upload=upload(samples["mp4"]),
            details=details(episode),
        )
    assert Video.objects.count() == 0
    assert stored_files(video_root) == []


def test_missing_ffmpeg_is_a_clear_message_not_an_error(
    world,
    client_for,
    samples,  # noqa: F811
    video_root,  # noqa: F811
    monkeypatch,
) -> None:
    from attune.care import video_probe

    monkeypatch.setattr(video_probe.shutil, "which", lambda _name: None)
    episode = world_episode(world)
    response = client_for("practitioner").post(
        reverse("care:video_upload", args=[episode.pk]), post_data(episode, samples["mp4"])
    )
    assert response.status_code == 400
    assert "install ffmpeg" in response.content.decode()
    assert stored_files(video_root) == []


def test_working_copies_of_the_plaintext_are_removed(
    world,
    samples,  # noqa: F811
    video_root,  # noqa: F811
    monkeypatch,
    tmp_path,
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(video_services.tempfile, "tempdir", str(scratch))
    episode = world_episode(world)
    for content in (samples["mp4"], samples["truncated"]):
        with contextlib.suppress(VideoRejected):
            video_services.upload_video(
                actor=world.users["practitioner"],
                episode=episode,
                upload=upload(content),
                details=details(episode),
            )
    assert list(scratch.iterdir()) == []


def test_the_upload_still_checks_csrf(world, samples, video_root) -> None:  # noqa: F811
    from django.test import Client

    from attune.accounts.tests.factories import sign_in_verified

    episode = world_episode(world)
    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, world.users["practitioner"])
    response = client.post(
        reverse("care:video_upload", args=[episode.pk]), post_data(episode, samples["mp4"])
    )
    assert response.status_code == 403
    assert Video.objects.count() == 0 and stored_files(video_root) == []
