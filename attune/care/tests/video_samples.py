"""Tiny real videos made with ffmpeg at test time, and the fixtures the video tests share.

Without ffmpeg the video tests skip loudly on a developer's machine, and fail
under CI=true (scripts/ensure_chromium installs Debian's ffmpeg when it can).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest

LOCATION = "+51.5074-000.1278/"
# libx264 and libvpx come with Debian's ffmpeg; mpeg4 is the fallback built into any ffmpeg.
CODECS = {"mp4": ["libx264", "mpeg4"], "webm": ["libvpx", "libvpx-vp9"], "mov": ["mpeg4"]}


def require_ffmpeg() -> None:
    if shutil.which("ffmpeg") and shutil.which("ffprobe"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("ffmpeg/ffprobe are missing under CI: the video checks must be tested")
    pytest.skip(
        "!!! ffmpeg/ffprobe not installed: VIDEO UPLOAD TESTS SKIPPED. "
        "Install it with: sudo apt-get install ffmpeg"
    )


def _encode(target: Path, container: str, seconds: int, pattern: str, extra: list[str]) -> None:
    last_error = b""
    for codec in CODECS[container]:
        args = [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", f"{pattern}=duration={seconds}:size=64x64:rate=10",
            "-metadata", f"location={LOCATION}",
            "-metadata", "title=Sample for tests",
            "-c:v", codec, "-pix_fmt", "yuv420p", *extra, str(target),
        ]  # fmt: skip
        result = subprocess.run(args, capture_output=True, check=False, timeout=60)
        if result.returncode == 0:
            return
        last_error = result.stderr
    raise RuntimeError(f"ffmpeg could not make a sample {container}: {last_error!r}")


def make_sample(
    directory: Path,
    container: str = "mp4",
    *,
    seconds: int = 2,
    pattern: str = "testsrc",
    faststart: bool = False,
) -> bytes:
    """A real video of ``seconds`` with a location tag; patterns: testsrc, testsrc2, smptebars."""
    require_ffmpeg()
    target = directory / f"{pattern}-{seconds}-{int(faststart)}.{container}"
    extra = ["-movflags", "+faststart"] if faststart else []
    _encode(target, container, seconds, pattern, extra)
    return target.read_bytes()


@cache
def cached_sample(container: str = "mp4", seconds: int = 2, pattern: str = "testsrc") -> bytes:
    """The same sample for callers without fixtures (the permission matrix)."""
    with tempfile.TemporaryDirectory(prefix="attune-sample-") as directory:
        return make_sample(Path(directory), container, seconds=seconds, pattern=pattern)


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Real videos: two distinct MP4s, a WebM, a QuickTime file, and two truncated MP4s."""
    require_ffmpeg()
    directory = tmp_path_factory.mktemp("videos")
    mp4 = make_sample(directory, "mp4")
    faststart = make_sample(directory, "mp4", pattern="testsrc2", seconds=3, faststart=True)
    return {
        "mp4": mp4,
        "mp4_other": make_sample(directory, "mp4", pattern="smptebars"),
        "webm": make_sample(directory, "webm"),
        "mov": make_sample(directory, "mov"),
        # Index at the end (the default): cut in half, ffprobe finds no index.
        "truncated": mp4[: len(mp4) // 2],
        # Index first: ffprobe reads it, but copying the packets finds the missing data.
        "truncated_faststart": faststart[: len(faststart) * 2 // 3],
    }


@pytest.fixture
def video_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A private, empty video store for one test (never the checkout's var/ folder)."""
    root = tmp_path / "video-store"
    settings.ATTUNE_VIDEO_ROOT = root  # type: ignore[attr-defined]
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
