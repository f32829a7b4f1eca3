"""Who may reach an episode's videos: only its practitioners and the team's supervisors.

Everyone else in the team, and everyone in other teams, gets a 404 (audited),
as if the recording did not exist; roles that never read clinical material
(administrators, commissioners, referrers) get a 403 first. Each play and each
read of the moments is audited by the view, once.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from attune.accounts.access import deny_as_not_found, parse_pk
from attune.care.access import can_play_video, get_episode_for, require_clinical_text
from attune.care.models import Episode, Video


def get_video_episode_for(request: HttpRequest, episode_id: Any) -> Episode:
    """An episode of the current team whose videos this user may play; others 404."""
    require_clinical_text(request)
    episode = get_episode_for(request, episode_id, write=True)
    if not can_play_video(request, episode):
        raise deny_as_not_found(request.user, "care.episode.videos", episode_id)
    return episode


def videos_of(episode: Episode) -> list[Video]:
    """The episode's recordings (deleted ones too, as the record that they existed)."""
    return list(
        episode.videos.select_related("uploaded_by", "contact")
        .prefetch_related("consented_by")
        .order_by("-recorded_on", "-id")
    )


def get_video_for(request: HttpRequest, video_id: Any) -> Video:
    """A video of the current team that this user may play; any other is a 404 (audited)."""
    require_clinical_text(request)
    pk = parse_pk(video_id)
    video = (
        Video.objects.select_related("episode", "episode__family", "uploaded_by")
        .filter(pk=pk, episode__team=request.team)  # type: ignore[attr-defined]
        .first()
        if pk
        else None
    )
    if video is None or not can_play_video(request, video.episode):
        raise deny_as_not_found(request.user, "care.video", video_id)
    return video


def moments_of(video: Video) -> list[Any]:
    """The video's marked moments, in order along the recording."""
    return list(video.moments.select_related("author").order_by("at_seconds", "id"))
