"""Content checks: the first bytes, then ffprobe with the format forced, then the stripping copy."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from attune.care import video_probe
from attune.care.tests.video_samples import LOCATION, samples  # noqa: F401
from attune.care.video_probe import MP4, QUICKTIME, WEBM, VideoRejected

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("clip.mp4", b"not really")
    return buffer.getvalue()


def test_signatures_decide_the_container(samples) -> None:  # noqa: F811
    assert video_probe.sniff(samples["mp4"][:64]) == MP4
    assert video_probe.sniff(samples["webm"][:64]) == WEBM
    assert video_probe.sniff(samples["mov"][:64]) == QUICKTIME


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HTML, "not a video"),
        (a_zip(), "not a video"),
        (b"", "empty"),
        (b"%PDF-1.7\n", "not a video"),
    ],
)
def test_other_files_are_refused_by_their_first_bytes(content: bytes, message: str) -> None:
    with pytest.raises(VideoRejected, match=message):
        video_probe.sniff(content[:64])


def test_a_page_dressed_as_mp4_fails_the_forced_probe(tmp_path: Path, samples) -> None:  # noqa: F811
    disguised = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + HTML
    path = tmp_path / "upload"
    path.write_bytes(disguised)
    container = video_probe.sniff(disguised[:64])
    with pytest.raises(VideoRejected, match="could not be read"):
        video_probe.probe(path, container)


@pytest.mark.parametrize("name", ["truncated", "truncated_faststart"])
def test_truncated_videos_are_refused(tmp_path: Path, samples, name: str) -> None:  # noqa: F811
    path, stripped = tmp_path / "upload", tmp_path / "stripped"
    path.write_bytes(samples[name])
    with pytest.raises(VideoRejected):
        result = video_probe.probe(path, MP4)
        video_probe.require_playable(result)
        video_probe.strip_metadata(path, stripped, MP4)


@pytest.mark.parametrize("kind", ["mp4", "webm", "mov"])
def test_stripping_removes_location_and_keeps_the_video(
    tmp_path: Path,
    samples,  # noqa: F811
    kind: str,
) -> None:
    path, stripped = tmp_path / "upload", tmp_path / "stripped"
    path.write_bytes(samples[kind])
    container = video_probe.sniff(samples[kind][:64])
    before = video_probe.probe(path, container)
    assert video_probe.location_tags(before), "the sample should carry a location to strip"
    video_probe.strip_metadata(path, stripped, container)
    after = video_probe.probe(stripped, container)
    video_probe.require_playable(after)
    assert video_probe.location_tags(after) == []
    assert LOCATION.encode() not in stripped.read_bytes()
    assert b"Sample for tests" not in stripped.read_bytes()
    assert after.duration_seconds == pytest.approx(before.duration_seconds, abs=0.2)


def test_missing_tools_refuse_every_video(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(video_probe.shutil, "which", lambda _name: None)
    assert not video_probe.tools_available()
    with pytest.raises(video_probe.VideoToolsMissing, match="install ffmpeg"):
        video_probe.probe(tmp_path / "anything", MP4)


def test_a_tool_that_hangs_is_stopped(monkeypatch, tmp_path: Path, samples) -> None:  # noqa: F811
    path = tmp_path / "upload"
    path.write_bytes(samples["mp4"])
    monkeypatch.setattr(video_probe, "PROBE_TIMEOUT_SECONDS", 0)
    with pytest.raises(VideoRejected, match="too long"):
        video_probe.probe(path, MP4)


def test_audio_only_or_zero_length_is_not_a_recording() -> None:
    with pytest.raises(VideoRejected, match="no video"):
        video_probe.require_playable(video_probe.ProbeResult(3.0, False, {}))
    with pytest.raises(VideoRejected, match="no length"):
        video_probe.require_playable(video_probe.ProbeResult(0.0, True, {}))
