"""Where the browser tests find Chromium, and what happens when it is missing.

Debian's Chromium (``apt-get install chromium``) is used, never a browser that
``playwright install`` downloads. Outside CI a missing Chromium skips the browser
tests with a warning; in CI (``CI=true``) it fails them, so a broken CI image can
never pass by skipping.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# --no-sandbox: the tests run as root in a container, where Chromium's sandbox cannot start.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]


class ChromiumMissingWarning(UserWarning):
    """Shown in pytest's warnings summary when the browser tests were skipped."""


@dataclass(frozen=True)
class Availability:
    outcome: Literal["run", "skip", "fail"]
    path: Path
    message: str = ""


def chromium_availability(environ: os._Environ[str] | dict[str, str] = os.environ) -> Availability:
    path = Path(environ.get("ATTUNE_CHROMIUM") or DEFAULT_CHROMIUM)
    if path.is_file() and os.access(path, os.X_OK):
        return Availability("run", path)
    message = (
        f"Chromium was not found at {path}, so the browser tests cannot run. "
        "Install it with `apt-get install chromium` (Debian's package; never "
        "`playwright install`), or set ATTUNE_CHROMIUM to its path."
    )
    if environ.get("CI") == "true":
        return Availability("fail", path, f"CI=true and {message}")
    return Availability("skip", path, f"BROWSER TESTS SKIPPED: {message}")
