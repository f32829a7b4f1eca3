"""Copy the pinned npm front-end assets into Attune's static files.

Run by scripts/lib.sh (ensure_assets) after `npm ci`. The NHS.UK stylesheet points at fonts on
an NHS host (unreachable offline, and for NHS services only) and at images
under /assets/: we drop the font faces and make the image paths relative, so
the Content Security Policy can stay 'self' and nothing loads from elsewhere.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "attune" / "core" / "static" / "vendor"


def build() -> None:
    nhsuk_dist = NODE / "nhsuk-frontend" / "dist" / "nhsuk"
    htmx = NODE / "htmx.org" / "dist" / "htmx.min.js"
    if not nhsuk_dist.is_dir() or not htmx.is_file():
        sys.exit("Front-end packages are missing: run `npm ci` first (scripts/setup does).")
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    (VENDOR / "nhsuk").mkdir(parents=True)
    (VENDOR / "htmx").mkdir(parents=True)
    css = (nhsuk_dist / "nhsuk-frontend.min.css").read_text()
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = css.replace("url(/assets/", "url(assets/")
    (VENDOR / "nhsuk" / "nhsuk-frontend.min.css").write_text(css)
    for name in (
        "nhsuk-frontend.min.js",
        "nhsuk-frontend.min.js.map",
        "nhsuk-frontend.min.css.map",
    ):
        if (nhsuk_dist / name).exists():
            shutil.copy2(nhsuk_dist / name, VENDOR / "nhsuk" / name)
    shutil.copytree(nhsuk_dist / "assets", VENDOR / "nhsuk" / "assets")
    shutil.copy2(htmx, VENDOR / "htmx" / "htmx.min.js")
    print(f"Front-end assets copied to {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    build()
