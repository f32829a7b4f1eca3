"""Permission matrix rows for reach and equity: the report and the team's local figures."""

from __future__ import annotations

from tests.matrix import FORBIDDEN, OK, row

ROWS = {
    # Team managers and administrators see their teams; commissioners suppressed figures.
    "reporting_reach:reach": row(FORBIDDEN, manager=OK, administrator=OK, commissioner=OK),
    # Entering the local figures is managing the team.
    "reporting_reach:baseline": row(FORBIDDEN, manager=OK, administrator=OK),
    "reporting_reach:deprivation": row(FORBIDDEN, manager=OK, administrator=OK),
}
