"""Permission matrix rows for the theory of change and its evidence report."""

from __future__ import annotations

from typing import Any

from tests.matrix import FORBIDDEN, OK, post_only, row

# Editing is for managers and administrators (MANAGE_TEAM); the role is checked before the
# record, so another team's practitioner gets 403 rather than 404.
_MANAGERS = row(FORBIDDEN, manager=OK, administrator=OK)

ROWS = {
    # Clinicians read the theory (managers and administrators with the figures), and
    # commissioners read it with suppressed figures. The other team's practitioner sees
    # their own team's page (it has no theory yet).
    "reporting_theory:theory": row(OK, referrer=FORBIDDEN, system_admin=FORBIDDEN),
    "reporting_theory:edit": _MANAGERS,
    "reporting_theory:outcome_new": _MANAGERS,
    "reporting_theory:outcome_edit": _MANAGERS,
    "reporting_theory:outcome_remove": post_only(),
    "reporting_theory:start": post_only(),
}


def kwargs(world: Any, episode: Any) -> dict[str, Any]:
    """The first team's theory, started from the template, with one outcome of its own."""
    from attune.reporting import theory_services

    manager = world.users["manager"]
    theory = theory_services.start_from_template(actor=manager, team=world.team)
    outcome = theory_services.add_outcome(
        actor=manager,
        theory=theory,
        horizon="short",
        wording="Parents enjoy more moments of play with their baby",
        measure_codes=["phq9"],
        activity_codes=["contacts_attended"],
    )
    return {"outcome_id": outcome.pk}
