"""Video recordings of sessions: checked, stripped and encrypted on the way in; moments
marked for video feedback; deleted by the retention job, leaving a record they existed.

The stored file and the ``Video`` row never get out of step: the file is written
inside the row's transaction and removed again if anything in it fails, and the
working copies of the plaintext are always removed.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.services import record
from attune.care import video_probe
from attune.care.models import CareSettings, Contact, Episode, Video, VideoMoment
from attune.care.video_probe import Container, VideoRejected
from attune.care.video_storage import delete_stored, read_decrypted, save_encrypted
from attune.core.crypto import DecryptionError
from attune.families.models import FamilyMember, Person

# Video feedback reviews short moments with the parent; longer clips lose the focus.
MAX_CLIP_SECONDS = 120


class UploadedVideo(Protocol):
    """What the pipeline needs from an upload (Django's UploadedFile has it)."""

    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...

    def read(self, size: int = -1) -> bytes: ...

    def seek(self, offset: int) -> Any: ...


class VideoGone(Exception):
    """The recording was deleted after its retention period (or its file is missing)."""


class MomentNotAllowed(Exception):
    """A moment outside the video, or a clip that ends too early or runs too long."""


@dataclass(frozen=True)
class VideoDetails:
    """What the uploader says about the recording (never its file name)."""

    recorded_on: date
    use: str
    consented_by: list[Person]
    contact: Contact | None = None
    retain_until: date | None = None


@dataclass(frozen=True)
class CheckedVideo:
    plaintext: bytes = field(repr=False)
    container: Container
    duration_seconds: float
    sha256: str


def too_large_message(max_bytes: int | None = None) -> str:
    limit = max_bytes if max_bytes is not None else settings.ATTUNE_VIDEO_MAX_BYTES
    return (
        f"The video must be smaller than {limit // (1024 * 1024)} MB. "
        "Try a shorter clip or a lower quality setting."
    )


def default_retain_until(episode: Episode, recorded_on: date) -> date:
    """The team's retention period counted from the day of the recording."""
    settings_row = CareSettings.objects.filter(team_id=episode.team_id).first()
    days = (
        settings_row.video_retention_days if settings_row else CareSettings().video_retention_days
    )
    return recorded_on + timedelta(days=days)


def _spool(upload: UploadedVideo, target: Path, max_bytes: int) -> Container:
    """Copy the upload to a private file in chunks: the signature is checked before writing."""
    if upload.size is not None and upload.size > max_bytes:
        raise VideoRejected(too_large_message(max_bytes))
    upload.seek(0)
    container = video_probe.sniff(upload.read(video_probe.HEAD_BYTES))
    upload.seek(0)
    written = 0
    with target.open("xb") as out:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > max_bytes:
                raise VideoRejected(too_large_message(max_bytes))
            out.write(chunk)
    return container


def check_video(upload: UploadedVideo) -> CheckedVideo:
    """Checked by content and by probing; metadata stripped; plaintext working files removed."""
    workdir = Path(tempfile.mkdtemp(prefix="attune-video-"))  # 0700: only this process
    try:
        original, stripped = workdir / "original", workdir / "stripped"
        container = _spool(upload, original, settings.ATTUNE_VIDEO_MAX_BYTES)
        video_probe.require_playable(video_probe.probe(original, container))
        video_probe.strip_metadata(original, stripped, container)
        result = video_probe.probe(stripped, container)
        video_probe.require_playable(result)
        if video_probe.location_tags(result):
            raise VideoRejected("The video's location details could not be removed.")
        plaintext = stripped.read_bytes()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return CheckedVideo(
        plaintext=plaintext,
        container=container,
        duration_seconds=result.duration_seconds,
        sha256=hashlib.sha256(plaintext).hexdigest(),
    )


def _check_details(episode: Episode, details: VideoDetails) -> date:
    """Consent from the family's own people, a contact of this episode, a sane keep-until date."""
    if details.recorded_on > timezone.localdate():
        raise VideoRejected("The date of the recording must be today or in the past.")
    if not details.consented_by:
        raise VideoRejected("Choose who agreed to the recording.")
    family_people = set(
        FamilyMember.objects.filter(family_id=episode.family_id).values_list("person_id", flat=True)
    )
    if any(person.pk not in family_people for person in details.consented_by):
        raise VideoRejected("Only people in this family can give consent for its recordings.")
    if details.contact is not None and details.contact.episode_id != episode.pk:
        raise VideoRejected("Choose a session from this episode.")
    longest = default_retain_until(episode, details.recorded_on)
    retain_until = details.retain_until or longest
    if retain_until > longest or retain_until <= details.recorded_on:
        raise VideoRejected(
            f"The keep-until date must be after the recording and no later than "
            f"{longest:%-d %B %Y} (the team's retention period)."
        )
    return retain_until


def upload_video(
    *, actor: User, episode: Episode, upload: UploadedVideo, details: VideoDetails
) -> tuple[Video, bool]:
    """Add a checked, stripped, encrypted recording; the same recording sent twice is kept once."""
    retain_until = _check_details(episode, details)
    checked = check_video(upload)
    stored_name = ""
    try:
        with transaction.atomic():
            # One upload per episode at a time, so a double submission finds the first.
            Episode.objects.select_for_update().filter(pk=episode.pk).first()
            existing = episode.videos.filter(sha256=checked.sha256, deleted_at__isnull=True).first()
            if existing is not None:
                return existing, False
            stored_name = save_encrypted(checked.plaintext)
            video = Video.objects.create(
                episode=episode,
                contact=details.contact,
                uploaded_by=actor,
                storage_name=stored_name,
                content_type=checked.container.content_type,
                size_bytes=len(checked.plaintext),
                duration_seconds=checked.duration_seconds,
                sha256=checked.sha256,
                recorded_on=details.recorded_on,
                use=details.use,
                retain_until=retain_until,
            )
            video.consented_by.set(details.consented_by)
            record(
                "video.uploaded",
                actor=actor,
                obj=video,
                team_id=episode.team_id,
                details={
                    "episode": episode.pk,
                    "use": details.use,
                    "size_bytes": video.size_bytes,
                    "consented_by": [p.pk for p in details.consented_by],
                },
            )
            return video, True
    except BaseException:
        # The row did not commit: its file must not outlive it.
        delete_stored(stored_name)
        raise


def video_bytes(video: Video) -> bytes:
    """The decrypted recording, or VideoGone once the retention job has deleted it."""
    if video.deleted_at is not None or not video.storage_name:
        raise VideoGone
    try:
        return read_decrypted(video.storage_name)
    except (FileNotFoundError, DecryptionError):
        raise VideoGone from None


def _check_moment(video: Video, at_seconds: float, clip_end_seconds: float | None) -> None:
    duration = video.duration_seconds or 0
    if video.deleted_at is not None:
        raise MomentNotAllowed("This video has been deleted, so no moments can be added.")
    if not 0 <= at_seconds <= duration:
        raise MomentNotAllowed(f"The moment must be between 0 and {duration:g} seconds.")
    if clip_end_seconds is None:
        return
    if clip_end_seconds <= at_seconds:
        raise MomentNotAllowed("The clip must end after it starts.")
    if clip_end_seconds > duration:
        raise MomentNotAllowed(f"The clip must end by {duration:g} seconds, when the video ends.")
    if clip_end_seconds - at_seconds > MAX_CLIP_SECONDS:
        raise MomentNotAllowed(f"A clip can be at most {MAX_CLIP_SECONDS} seconds long.")


def add_moment(
    *,
    actor: User,
    video: Video,
    at_seconds: float,
    clip_end_seconds: float | None,
    note: str,
) -> tuple[VideoMoment, bool]:
    """Mark a moment (and optionally a short clip) within the video; a repeat is kept once."""
    _check_moment(video, at_seconds, clip_end_seconds)
    with transaction.atomic():
        Video.objects.select_for_update().filter(pk=video.pk).first()
        same_place = video.moments.filter(
            author=actor, at_seconds=at_seconds, clip_end_seconds=clip_end_seconds
        )
        # Notes are encrypted, so the comparison happens here rather than in the database.
        for existing in same_place:
            if existing.note == note:
                return existing, False
        moment = VideoMoment.objects.create(
            video=video,
            at_seconds=at_seconds,
            clip_end_seconds=clip_end_seconds,
            note=note,
            author=actor,
        )
        record(
            "video.moment_added",
            actor=actor,
            obj=moment,
            team_id=video.episode.team_id,
            details={"episode": video.episode_id, "video": video.pk},
        )
        return moment, True


def expired_videos(today: date) -> Iterable[Video]:
    """Recordings whose keep-until date has passed and whose bytes are still stored."""
    return (
        Video.objects.filter(retain_until__lt=today, deleted_at__isnull=True)
        .select_related("episode")
        .order_by("retain_until", "pk")
    )


def purge_video(*, video: Video) -> bool:
    """Delete one expired recording's bytes and keep its row as the record that it existed."""
    with transaction.atomic():
        locked = (
            Video.objects.select_for_update()
            .select_related("episode")
            .filter(pk=video.pk, deleted_at__isnull=True)
            .first()
        )
        if locked is None:
            return False  # another run got there first
        # The file goes first: if the row update then fails, the next run retries it.
        delete_stored(locked.storage_name)
        locked.deleted_at = timezone.now()
        locked.save(update_fields=["deleted_at", "updated_at"])
        record(
            "video.purged",
            actor=None,
            obj=locked,
            team_id=locked.episode.team_id,
            details={
                "episode": locked.episode_id,
                "retain_until": locked.retain_until.isoformat(),
                "recorded_on": locked.recorded_on.isoformat(),
            },
        )
        return True


def purge_expired_videos(
    *, today: date | None = None, progress: Callable[[str], None] | None = None
) -> int:
    """The retention job: delete every recording past its keep-until date; safe to rerun."""
    today = today or timezone.localdate()
    say = progress or (lambda _line: None)
    due = list(expired_videos(today))
    say(f"{len(due)} video(s) past their keep-until date")
    purged = 0
    for index, video in enumerate(due, start=1):
        if purge_video(video=video):
            purged += 1
        say(f"[{index}/{len(due)}] video {video.pk}: kept until {video.retain_until:%Y-%m-%d}")
    say(f"Deleted {purged} video(s); their records remain.")
    return purged
