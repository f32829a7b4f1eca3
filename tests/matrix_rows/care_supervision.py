"""Supervision and video: who reaches which page.

Supervision sessions are for the supervisor and the person supervised (anyone
else in the team: 404). Videos are for the episode's practitioners and the
team's supervisors: a colleague not on the episode, and a manager who is not
their supervisor, get 404 as if the video did not exist.
"""

from __future__ import annotations

import atexit
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.matrix import FORBIDDEN, NOT_FOUND, OK, clinical_text, post_only, row

_VIDEO_PAGE = clinical_text(colleague=NOT_FOUND, manager=NOT_FOUND)

ROWS = {
    "care:supervision_list": row(
        OK,
        administrator=FORBIDDEN,
        commissioner=FORBIDDEN,
        referrer=FORBIDDEN,
        system_admin=FORBIDDEN,
    ),
    "care:supervision_new": row(FORBIDDEN, supervisor=OK, manager=OK),
    "care:supervision": clinical_text(colleague=NOT_FOUND, manager=NOT_FOUND),
    "care:videos": _VIDEO_PAGE,
    "care:video_upload": _VIDEO_PAGE,
    "care:video": _VIDEO_PAGE,
    "care:video_stream": _VIDEO_PAGE,
    "care:video_moment_add": post_only(),
}


def kwargs(world: Any, episode: Any) -> dict[str, int]:
    """A supervision session about the episode, and a real (tiny) video of it."""
    from attune.care import supervision
    from attune.care import video as video_services
    from attune.care.tests.video_samples import cached_sample
    from attune.care.video_storage import delete_stored
    from attune.families.models import FamilyMember

    session, _ = supervision.record_supervision(
        actor=world.users["supervisor"],
        team=world.team,
        supervisee=world.users["practitioner"],
        held_on=timezone.localdate(),
        episodes=[episode],
        agreed_actions="Agreed to invite dad next time.",
    )
    carer = FamilyMember.objects.filter(family=episode.family).first().person
    video, _ = video_services.upload_video(
        actor=world.users["practitioner"],
        episode=episode,
        upload=SimpleUploadedFile("clip.mp4", cached_sample()),
        details=video_services.VideoDetails(
            recorded_on=timezone.localdate(), use="supervision", consented_by=[carer]
        ),
    )
    # The test database is thrown away; the encrypted file would not be.
    atexit.register(delete_stored, video.storage_name)
    return {"supervision_id": session.pk, "video_id": video.pk}
