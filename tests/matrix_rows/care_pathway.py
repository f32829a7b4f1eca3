"""Permission matrix rows for engagement, assessment, the care package, phases and ending."""

from __future__ import annotations

from typing import Any

from tests.matrix import FORBIDDEN, OK, clinical_record, clinical_text, post_only, row

ROWS = {
    # Pages of one episode: the team's clinical staff; other teams 404.
    "care:engagement": clinical_record(),
    "care:phase": clinical_record(),
    "care:package": clinical_record(),
    "care:package_item_add": clinical_record(),
    "care:package_item_edit": clinical_record(),
    "care:onward_add": clinical_record(),
    "care:onward_update": clinical_record(),
    "care:ending": clinical_record(),
    "care:closing_letter": clinical_record(),
    # Assessment text and review summaries are clinical text: not for administrators.
    "care:assessment": clinical_text(),
    "care:assessment_edit": clinical_text(),
    "care:package_review_add": clinical_text(),
    "care:assessment_complete": post_only(),
    "care:goal_add": post_only(),
    "care:end_measures_waive": post_only(),
    "care:follow_up": post_only(),
    # The team's list of interventions: people who manage the team.
    "care:interventions": row(FORBIDDEN, manager=OK, administrator=OK),
    "care:intervention_toggle": post_only(),
}


def kwargs(world: Any, episode: Any) -> dict[str, int]:
    """A package item, an onward referral and an intervention option in the first team."""
    from django.utils import timezone

    from attune.care import package

    manager = world.users["manager"]
    option = package.add_option(actor=manager, team=world.team, name="Matrix video feedback")
    item, _ = package.add_item(
        actor=manager,
        episode=episode,
        plan=package.ItemPlan(
            intervention=option,
            delivery_format="dyad",
            frequency="weekly",
            planned_sessions=6,
            practitioners=[world.users["practitioner"]],
            starts_on=None,
            review_on=None,
        ),
    )
    onward, _ = package.add_onward_referral(
        actor=manager,
        episode=episode,
        service="housing",
        organisation="",
        status="suggested",
        status_on=timezone.localdate(),
    )
    return {
        "package_item_id": item.pk,
        "onward_referral_id": onward.pk,
        "intervention_option_id": option.pk,
    }
