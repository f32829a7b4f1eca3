"""An episode's recordings: list, upload, watch (audited every time) and mark moments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.care import video as video_services
from attune.care.access import audit_read
from attune.care.models import Episode, Video, VideoMoment
from attune.care.video_access import get_video_episode_for, get_video_for, moments_of, videos_of
from attune.care.video_forms import MomentForm, VideoUploadForm, format_time
from attune.care.video_probe import VideoRejected

EXTENSIONS = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
}


class SizeLimitHandler(FileUploadHandler):
    """Stops an upload the moment it passes the limit, before any of it is written to disk."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.max_bytes = settings.ATTUNE_VIDEO_MAX_BYTES
        self.exceeded = False

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, *args: Any) -> None:
        # Too big as declared: refuse the file part at its first chunk (the fields before it,
        # such as the CSRF token, are still read so the person gets a proper answer).
        self.exceeded = content_length > self.max_bytes + 1024 * 1024

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.exceeded or start + len(raw_data) > self.max_bytes:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@dataclass(frozen=True)
class VideoRow:
    video: Video
    consented_by: str
    length: str


def _list_context(episode: Episode) -> dict[str, Any]:
    rows = [
        VideoRow(
            video=v,
            consented_by=", ".join(p.display_name for p in v.consented_by.all()),
            length=format_time(v.duration_seconds),
        )
        for v in videos_of(episode)
    ]
    return {"episode": episode, "rows": rows}


@require_GET
def episode_videos(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_video_episode_for(request, episode_id)
    return render(request, "care/supervision/videos.jinja", _list_context(episode))


def _upload_page(
    request: HttpRequest, episode: Episode, form: VideoUploadForm, status: int = 200
) -> HttpResponse:
    context = {
        "episode": episode,
        "form": form,
        "max_megabytes": settings.ATTUNE_VIDEO_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "care/supervision/video_upload.jinja", context, status=status)


@csrf_exempt  # the check runs in _upload, after the size limit is in place
@require_http_methods(["GET", "POST"])
def video_upload(request: HttpRequest, episode_id: int) -> HttpResponse:
    # Upload handlers must be set before anything reads the body (the CSRF check would).
    limit = SizeLimitHandler(request)
    request.upload_handlers.insert(0, limit)
    return _upload(request, episode_id, limit)


@csrf_protect
def _upload(request: HttpRequest, episode_id: int, limit: SizeLimitHandler) -> HttpResponse:
    episode = get_video_episode_for(request, episode_id)
    if request.method == "GET":
        return _upload_page(request, episode, VideoUploadForm(episode=episode))
    form = VideoUploadForm(request.POST, request.FILES, episode=episode)
    if limit.exceeded:
        form.is_valid()
        form.errors.pop("video", None)
        form.add_error("video", video_services.too_large_message())
        return _upload_page(request, episode, form, status=400)
    if not form.is_valid():
        if "video" not in form.errors and "video" in request.FILES:
            # Browsers never refill a file input: say so beside it.
            form.add_error("video", "Choose the video file again")
        return _upload_page(request, episode, form, status=400)
    try:
        video, created = video_services.upload_video(
            actor=request.user,  # type: ignore[arg-type]
            episode=episode,
            upload=form.cleaned_data["video"],
            details=form.details(),
        )
    except VideoRejected as refused:
        form.add_error("video", str(refused))
        return _upload_page(request, episode, form, status=400)
    if created:
        messages.success(request, "The video was added. Location and device details were removed.")
    else:
        messages.info(request, "This video had already been added, so it was not added again.")
    return redirect("care:video", video.pk)


@dataclass(frozen=True)
class MomentRow:
    moment: VideoMoment
    starts: str
    ends: str
    href: str


def _moment_context(request: HttpRequest, video: Video, form: MomentForm) -> dict[str, Any]:
    moments = moments_of(video)
    page = reverse("care:video", args=[video.pk])
    stream = reverse("care:video_stream", args=[video.pk])
    chosen = request.GET.get("moment", "")
    clip = next((m for m in moments if str(m.pk) == chosen), None)
    rows = [
        MomentRow(
            moment=m,
            starts=format_time(m.at_seconds),
            ends=format_time(m.clip_end_seconds) if m.clip_end_seconds is not None else "",
            href=f"{page}?moment={m.pk}#player",
        )
        for m in moments
    ]
    return {
        "video": video,
        "episode": video.episode,
        "moments": rows,
        "form": form,
        "is_deleted": video.deleted_at is not None,
        "player_src": _clip_src(stream, clip),
        "clip": next((r for r in rows if r.moment is clip), None),
        "length": format_time(video.duration_seconds),
        "consented_by": ", ".join(p.display_name for p in video.consented_by.all()),
    }


def _clip_src(stream: str, clip: Any) -> str:
    """A media fragment plays just the clip, from the same audited stream."""
    if clip is None:
        return stream
    end = f",{clip.clip_end_seconds:g}" if clip.clip_end_seconds is not None else ""
    return f"{stream}#t={clip.at_seconds:g}{end}"


@require_GET
def video_detail(request: HttpRequest, video_id: int) -> HttpResponse:
    video = get_video_for(request, video_id)
    form = MomentForm(duration=video.duration_seconds or 0)
    context = _moment_context(request, video, form)
    audit_read(request, "video.moments_viewed", video, video.episode)
    return render(request, "care/supervision/video.jinja", context)


@require_POST
def video_moment_add(request: HttpRequest, video_id: int) -> HttpResponse:
    video = get_video_for(request, video_id)
    form = MomentForm(request.POST, duration=video.duration_seconds or 0)
    if form.is_valid():
        try:
            video_services.add_moment(
                actor=request.user,  # type: ignore[arg-type]
                video=video,
                at_seconds=form.cleaned_data["at"],
                clip_end_seconds=form.cleaned_data["clip_end"],
                note=form.cleaned_data["note"],
            )
            return redirect("care:video", video.pk)
        except video_services.MomentNotAllowed as refused:
            form.add_error(None, str(refused))
    context = _moment_context(request, video, form)
    # The page shows the moments' notes again: that is a read, audited once.
    audit_read(request, "video.moments_viewed", video, video.episode)
    return render(request, "care/supervision/video.jinja", context, status=400)


@require_GET
def video_stream(request: HttpRequest, video_id: int) -> HttpResponse:
    """The decrypted recording. Each request is one audited play (no byte ranges, by design:
    one request is one play, so the trail counts plays, not fragments)."""
    video = get_video_for(request, video_id)
    try:
        content = video_services.video_bytes(video)
    except video_services.VideoGone:
        raise Http404("This video was deleted after its retention period") from None
    audit_read(request, "video.played", video, video.episode)
    response = HttpResponse(content, content_type=video.content_type)
    extension = EXTENSIONS.get(video.content_type, "bin")
    response["Content-Disposition"] = f'inline; filename="attune-video-{video.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
