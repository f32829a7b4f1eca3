"""How much happens to each synthetic family: two profiles of a team's year.

- ``TODAY`` is a team as they are now: long waits, a third of referrals not taken
  on, so fewer than half the families reach therapy within the year. The demo and
  the tests use it.
- ``FULL_CAPACITY`` is a team resourced for everyone who needs it, the scenario the
  national dataset sizes (about 110,000 families a year across the UK; see
  docs/performance.md): most referrals accepted, short waits, weekly sessions with
  phone check-ins, and a battery of five questionnaires at baseline, at reviews
  through the work and at the end. It gives about 20 contacts and 15 questionnaires
  per family, the planning assumptions for sizing (Parent-Infant Foundation and
  Centre for Mental Health figures, derived in the project's research notes; the
  per-family counts are assumptions, not published statistics).

The numbers are rounded, believable values, not statistics: never quote one.
"""

from __future__ import annotations

from dataclasses import dataclass

from attune.referrals.codes import Decision
from attune.synthetic import proportions as p
from attune.synthetic.proportions import Weights


@dataclass(frozen=True)
class Volumes:
    name: str
    triage_outcome_weights: Weights[str]
    # Days on the waiting list: (low, high, most likely), before the priority factor.
    wait_days: tuple[int, int, int]
    # Weekly sessions an episode can have (a cap: most end or reach today first).
    max_sessions: int
    # Chance of a short phone check-in between two weekly sessions.
    check_in_share: float
    # Questionnaires beyond PHQ-9, GAD-7 and (sometimes) KPCS, at baseline and end.
    extra_measures: tuple[str, ...]
    # Everyone answers KPCS (not only some) when True.
    always_kpcs: bool
    # Reviews through the work every so many days (None: one PHQ-9 in the middle phase).
    review_every_days: int | None
    # Fathers and partners answer the same battery as the main carer (not only a PHQ-9).
    father_full_battery: bool


TODAY = Volumes(
    name="today",
    triage_outcome_weights=p.TRIAGE_OUTCOME_WEIGHTS,
    wait_days=p.WAIT_DAYS,
    max_sessions=24,
    check_in_share=0.0,
    extra_measures=(),
    always_kpcs=False,
    review_every_days=None,
    father_full_battery=False,
)

FULL_CAPACITY = Volumes(
    name="full_capacity",
    triage_outcome_weights=(
        (Decision.ACCEPT, 92),
        (Decision.DECLINE, 3),
        (Decision.CONSULTATION, 4),
        (Decision.MORE_INFORMATION, 1),
    ),
    wait_days=(3, 40, 10),
    max_sessions=30,
    check_in_share=0.6,
    extra_measures=("core10", "epds"),
    always_kpcs=True,
    review_every_days=30,
    father_full_battery=True,
)

BY_NAME = {volumes.name: volumes for volumes in (TODAY, FULL_CAPACITY)}
