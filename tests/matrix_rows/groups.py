"""Permission matrix rows for group programmes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.matrix import FORBIDDEN, OK, clinical_record, clinical_text, post_only, row

ROWS = {
    # The team's staff run groups; other teams' groups are 404.
    "groups:list": row(OK, commissioner=FORBIDDEN, referrer=FORBIDDEN, system_admin=FORBIDDEN),
    "groups:detail": clinical_record(),
    "groups:register": clinical_record(),
    "groups:session_edit": clinical_record(),
    "groups:add_family": post_only(),
    "groups:offer_place": post_only(),
    "groups:leave": post_only(),
    "groups:group_note": post_only(),
    # Scores and notes about one family are clinical text: administrators 403.
    "groups:outcomes": clinical_text(),
    "groups:family_note": clinical_text(),
}


def kwargs(world: Any, episode: Any) -> dict[str, int]:
    """A course that began a week ago, with the episode's family enrolled."""
    from attune.groups import services
    from attune.groups.tests.factories import make_course

    group = make_course(world, first_session_at=timezone.now() - timedelta(days=7))
    carer = episode.family.members.filter(role="carer").first().person
    enrolment = services.add_family(
        actor=world.users["manager"],
        group=group,
        family=episode.family,
        people=[carer],
        needs_creche=False,
        waiting=False,
    )
    session = group.sessions.order_by("number").first()
    return {"group_id": group.pk, "session_id": session.pk, "enrolment_id": enrolment.pk}
