"""Checking that an upload really is a video, by its content, before anything is stored.

Three checks, each stricter than the last: the first bytes must be a video
container's signature (never the file name or the browser's content type); then
``ffprobe`` must read it as that container (the format is forced, so an HTML
page, a zip or a playlist is never handed to another demuxer, and only local
files may be opened, so a crafted file cannot make ffmpeg fetch anything); then
``ffmpeg`` copies every packet into a fresh file without metadata, which also
finds truncated or corrupt files. The tools run without a shell, with a time
limit, and any error they print refuses the file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROBE_TIMEOUT_SECONDS = 30
# Copying packets is fast, but a 500 MB file on a slow disk needs more than the probe.
REMUX_TIMEOUT_SECONDS = 300
HEAD_BYTES = 64
# Tags that can place a family: GPS position written by phones and cameras.
LOCATION_TAG_WORDS = ("location", "gps", "xyz", "coordinates")


class VideoRejected(Exception):
    """The file is not a video Attune can keep; the message is shown to the person."""


class VideoToolsMissing(VideoRejected):
    """ffprobe or ffmpeg is not installed, so no video can be checked (or accepted)."""


@dataclass(frozen=True)
class Container:
    """A container format recognised from its first bytes."""

    demuxer: str  # ffmpeg's input format name, forced when probing
    muxer: str  # ffmpeg's output format name for the stripped copy
    content_type: str
    extension: str


MP4 = Container("mov", "mp4", "video/mp4", "mp4")
QUICKTIME = Container("mov", "mov", "video/quicktime", "mov")
WEBM = Container("matroska", "webm", "video/webm", "webm")
MATROSKA = Container("matroska", "matroska", "video/x-matroska", "mkv")

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
# Top-level atoms an older QuickTime file may start with instead of 'ftyp'.
QUICKTIME_FIRST_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip"}
QUICKTIME_BRANDS = {b"qt  "}


@dataclass(frozen=True)
class ProbeResult:
    duration_seconds: float
    has_video: bool
    tags: dict[str, str]


def sniff(head: bytes) -> Container:
    """The container named by the file's first bytes; anything else is refused."""
    if not head:
        raise VideoRejected("The selected file is empty. Choose a video recording.")
    if head.startswith(EBML_MAGIC):
        return WEBM if b"webm" in head[:HEAD_BYTES] else MATROSKA
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return QUICKTIME if head[8:12] in QUICKTIME_BRANDS else MP4
    if len(head) >= 8 and head[4:8] in QUICKTIME_FIRST_ATOMS:
        return QUICKTIME
    raise VideoRejected("The selected file is not a video. Choose an MP4, MOV or WebM recording.")


def tools_available() -> bool:
    return bool(shutil.which("ffprobe") and shutil.which("ffmpeg"))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise VideoToolsMissing(
            "Videos cannot be checked on this server at the moment, so none can be added. "
            "Ask your system administrator to install ffmpeg."
        )
    return path


def _run(args: list[str], timeout: int) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(  # noqa: S603 - no shell, our own argument list
            args, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise VideoRejected("The video took too long to check. Try a shorter recording.") from None
    # At "-v error" the tools print nothing for a sound file: any output means damage.
    if result.returncode != 0 or result.stderr.strip():
        raise VideoRejected(
            "The video could not be read: it may be damaged or only partly uploaded. "
            "Try uploading it again."
        )
    return result


def probe(path: Path, container: Container) -> ProbeResult:
    """Read the container's streams and duration with ffprobe (format forced, files only)."""
    result = _run(
        [
            _tool("ffprobe"),
            "-v",
            "error",
            "-protocol_whitelist",
            "file",
            "-f",
            container.demuxer,
            "-show_format",
            "-show_streams",
            "-of",
            "json",
            str(path),
        ],
        PROBE_TIMEOUT_SECONDS,
    )
    return _parse_probe(result.stdout)


def _parse_probe(output: bytes) -> ProbeResult:
    try:
        data: dict[str, Any] = json.loads(output or b"{}")
    except ValueError:
        raise VideoRejected("The video could not be read. Try uploading it again.") from None
    streams = data.get("streams") or []
    fmt = data.get("format") or {}
    tags = {str(k): str(v) for k, v in (fmt.get("tags") or {}).items()}
    for stream in streams:
        tags.update({str(k): str(v) for k, v in (stream.get("tags") or {}).items()})
    try:
        duration = float(fmt.get("duration") or 0)
    except ValueError:
        duration = 0.0
    has_video = any(
        s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
        for s in streams
    )
    return ProbeResult(duration_seconds=duration, has_video=has_video, tags=tags)


def require_playable(result: ProbeResult) -> None:
    """A recording needs moving pictures and a length; audio alone or a still is refused."""
    if not result.has_video:
        raise VideoRejected("The file has no video in it. Choose a video recording.")
    if result.duration_seconds <= 0:
        raise VideoRejected("The video has no length: it may be damaged or only partly uploaded.")


def strip_metadata(source: Path, target: Path, container: Container) -> None:
    """Copy every packet into ``target`` with no metadata or chapters (location, device...)."""
    args = [
        _tool("ffmpeg"),
        "-nostdin",
        "-v",
        "error",
        "-xerror",
        "-protocol_whitelist",
        "file",
        "-f",
        container.demuxer,
        "-i",
        str(source),
        "-map",
        "0",
        "-map_metadata",
        "-1",
        "-map_chapters",
        "-1",
        "-c",
        "copy",
        # No encoder tag either: the same recording gives the same bytes (double uploads).
        "-fflags",
        "+bitexact",
    ]
    if container.muxer in {"mp4", "mov"}:
        # The index first, so the browser can start playing before the whole file arrives.
        args += ["-movflags", "+faststart"]
    args += ["-f", container.muxer, "-y", str(target)]
    _run(args, REMUX_TIMEOUT_SECONDS)


def location_tags(result: ProbeResult) -> list[str]:
    """Names of any tags that could still say where the recording was made."""
    return [
        name for name in result.tags if any(word in name.lower() for word in LOCATION_TAG_WORDS)
    ]
