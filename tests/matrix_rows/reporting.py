"""Permission matrix rows for the team dashboard and the commissioner report."""

from __future__ import annotations

from tests.matrix import FORBIDDEN, OK, row

ROWS = {
    # Managers and administrators see their teams; commissioners the teams they commission.
    "reporting:dashboard": row(FORBIDDEN, manager=OK, administrator=OK, commissioner=OK),
}
