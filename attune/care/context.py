"""The safeguarding banner on every page about a family, for those who may see it.

A context processor, because a family's pages live in several apps (families
cannot import care): it reads which record the URL names, finds that record's
family, and asks for open concerns within the user's current team only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from attune.care.access import can_read_clinical_text
from attune.care.models import Contact, Episode, Note, SafeguardingConcern, Video
from attune.care.safeguarding import safeguarding_banner_for_family
from attune.families.models import FamilyMember
from attune.referrals.models import Referral


def _via_episode(model: Any) -> Callable[[int], int | None]:
    def lookup(pk: int) -> int | None:
        return model.objects.filter(pk=pk).values_list("episode__family_id", flat=True).first()

    return lookup


FAMILY_FROM_URL: dict[str, Callable[[int], int | None]] = {
    "family_id": lambda pk: pk,
    "episode_id": lambda pk: (
        Episode.objects.filter(pk=pk).values_list("family_id", flat=True).first()
    ),
    "referral_id": lambda pk: (
        Referral.objects.filter(pk=pk).values_list("family_id", flat=True).first()
    ),
    # A person can be in two families: show the banner if the first has an open concern.
    "person_id": lambda pk: (
        FamilyMember.objects.filter(person_id=pk)
        .order_by("id")
        .values_list("family_id", flat=True)
        .first()
    ),
    "contact_id": _via_episode(Contact),
    "note_id": _via_episode(Note),
    "concern_id": _via_episode(SafeguardingConcern),
    "video_id": _via_episode(Video),
}


def family_id_from_url(request: HttpRequest) -> int | None:
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    for key, lookup in FAMILY_FROM_URL.items():
        if isinstance(kwargs.get(key), int):
            return lookup(kwargs[key])
    return None


def safeguarding(request: HttpRequest) -> dict[str, Any]:
    team = getattr(request, "team", None)
    if team is None or not can_read_clinical_text(request):
        return {}
    family_id = family_id_from_url(request)
    if family_id is None:
        return {}
    return {"safeguarding_banner": safeguarding_banner_for_family(family_id, team)}
