"""The team's toolbox in care: offering directory entries, training warnings, fidelity
reviews, and the recommender's suggestions recorded with the care package.

The recommender (attune/catalogue/recommender.py) never decides. This module
gathers what it needs to know about a family, shows its list, and records what
was shown and what the practitioner chose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import Team, User
from attune.audit.services import record
from attune.care import package
from attune.care.codes import DeliveryFormat
from attune.care.models import (
    CarePackageItem,
    Episode,
    FidelityReview,
    InterventionOption,
    PackageRecommendation,
)
from attune.care.phases import PathwayRefused, refuse_future
from attune.catalogue import recommender, schema
from attune.catalogue import selectors as catalogue_selectors
from attune.catalogue.models import Intervention
from attune.families.ages import whole_months_between
from attune.families.codes import MemberRole
from attune.referrals.codes import StressorStatus

FULL_TERM_WEEKS = 40


def add_from_directory(*, actor: User, team: Team, entry: Intervention) -> InterventionOption:
    """Offer a directory entry in the team's toolbox (a local option of that name is linked)."""
    with transaction.atomic():
        option = (
            InterventionOption.objects.filter(team=team, catalogue_entry=entry).first()
            or InterventionOption.objects.filter(team=team, name__iexact=entry.name).first()
        )
        if option is None:
            option = InterventionOption.objects.create(
                team=team, name=entry.name, catalogue_entry=entry
            )
            record(
                "intervention_option.added",
                actor=actor,
                obj=option,
                team_id=team.pk,
                details={"entry": entry.slug},
            )
            return option
        if option.catalogue_entry_id != entry.pk or not option.is_active:
            option.catalogue_entry = entry
            option.is_active = True
            option.save(update_fields=["catalogue_entry", "is_active"])
            record(
                "intervention_option.changed",
                actor=actor,
                obj=option,
                team_id=team.pk,
                details={"entry": entry.slug, "is_active": True},
            )
        return option


def untrained_practitioners(
    option: InterventionOption, practitioners: Sequence[User], on: date | None = None
) -> list[User]:
    """Those asked to deliver a directory intervention with no current training in it."""
    if option.catalogue_entry_id is None or not practitioners:
        return []
    on = on or timezone.localdate()
    trained = catalogue_selectors.trained_user_ids(
        option.team, [option.catalogue_entry_id], on
    ).get(option.catalogue_entry_id, set())
    return [user for user in practitioners if user.pk not in trained]


def record_fidelity_review(
    *,
    actor: User,
    item: CarePackageItem,
    reviewed_on: date,
    components_met: Sequence[str],
    sessions_delivered: int | None,
    supervision_received: bool,
    note: str,
) -> FidelityReview:
    """Record how an item was delivered against its intervention's fidelity checklist."""
    checklist = fidelity_checklist(item)
    if checklist is None:
        raise PathwayRefused("This intervention has no fidelity checklist in the directory")
    refuse_future(reviewed_on, "The review date")
    components = list(checklist.get("core_components", []))
    if any(component not in components for component in components_met):
        raise PathwayRefused("Tick only components from the checklist")
    with transaction.atomic():
        review = FidelityReview.objects.create(
            package_item=item,
            reviewed_on=reviewed_on,
            components_met=list(components_met),
            components_total=len(components),
            sessions_delivered=sessions_delivered,
            supervision_received=supervision_received,
            note=note.strip(),
            reviewed_by=actor,
        )
        record(
            "care_package.fidelity_reviewed",
            actor=actor,
            obj=review,
            team_id=item.episode.team_id,
            details={"episode": item.episode_id, "item": item.pk},
        )
        return review


def fidelity_checklist(item: CarePackageItem) -> dict[str, Any] | None:
    entry = item.intervention.catalogue_entry
    checklist = entry.data.get("fidelity_checklist") if entry is not None else None
    return checklist if isinstance(checklist, dict) else None


# The recommender --------------------------------------------------------------------------

OBSERVED_FLAGS = (
    "dyad_observed_at_risk",
    "parent_history_blocks_progress",
    "parental_trauma",
    "maltreatment_concern",
    "parent_learning_difficulty",
    "psychotic_illness",
)


def family_facts(episode: Episode, observed: Sequence[str], today: date) -> recommender.FamilyFacts:
    """What the record already says about a family, plus what the practitioner observed."""
    babies = []
    for member in episode.family.members.filter(role=MemberRole.BABY).select_related("person"):
        person = member.person
        if person.date_of_birth is not None:
            months = whole_months_between(person.date_of_birth, today)
            babies.append(recommender.BabyFacts(age_months=months))
        elif person.due_date is not None:
            weeks_left = max(0, (person.due_date - today).days // 7)
            babies.append(
                recommender.BabyFacts(
                    age_months=None, unborn=True, weeks_pregnant=FULL_TERM_WEEKS - weeks_left
                )
            )
    referral = episode.referral
    stressors = frozenset(
        referral.stressors.filter(status=StressorStatus.PRESENT).values_list("domain", flat=True)
    )
    reasons = frozenset(referral.reasons or [])
    flags = {flag: flag in observed for flag in OBSERVED_FLAGS}
    return recommender.FamilyFacts(
        babies=tuple(babies),
        carer_kinds=frozenset(episode.family.care_relationships.values_list("kind", flat=True)),
        stressors=stressors,
        reasons=reasons,
        social_care=referral.social_care,
        parental_mental_health="parent_mental_health" in reasons | stressors,
        **flags,
    )


def toolbox_entries(team: Team) -> list[dict[str, Any]]:
    """The directory entries the team offers, as the recommender reads them."""
    options = InterventionOption.objects.filter(
        team=team, is_active=True, catalogue_entry__isnull=False
    ).select_related("catalogue_entry")
    entries = []
    for option in options:
        entry = option.catalogue_entry
        assert entry is not None
        entries.append(
            {
                **entry.data,
                "evidence_rank": entry.evidence_rank,
                "evidence_label": schema.evidence_label(entry.data),
            }
        )
    return entries


def suggestions_for(
    episode: Episode, observed: Sequence[str], today: date
) -> tuple[recommender.FamilyFacts, recommender.Suggestions]:
    facts = family_facts(episode, observed, today)
    shown = recommender.recommend(facts, toolbox_entries(episode.team), recommender.default_rules())
    return facts, shown


def _facts_record(facts: recommender.FamilyFacts) -> dict[str, Any]:
    data = asdict(facts)
    return {k: sorted(v) if isinstance(v, frozenset) else v for k, v in data.items()}


def record_choice(
    *,
    actor: User,
    episode: Episode,
    facts: recommender.FamilyFacts,
    shown: recommender.Suggestions,
    chosen: Sequence[str],
) -> tuple[PackageRecommendation, list[CarePackageItem]]:
    """Keep what was shown and chosen, and add each chosen intervention to the package."""
    offered = {s.slug for s in shown.fits}
    if not chosen:
        raise PathwayRefused("Choose at least one intervention, or go back to the package")
    if any(slug not in offered for slug in chosen):
        raise PathwayRefused("Choose from the interventions suggested for this family")
    options = {
        o.catalogue_entry.slug: o
        for o in InterventionOption.objects.filter(
            team_id=episode.team_id, is_active=True, catalogue_entry__slug__in=chosen
        ).select_related("catalogue_entry")
        if o.catalogue_entry is not None
    }
    with transaction.atomic():
        choice = PackageRecommendation.objects.create(
            episode=episode,
            facts=_facts_record(facts),
            shown=shown.to_dict(),
            chosen=list(chosen),
            chosen_by=actor,
        )
        record(
            "care_package.recommendation_recorded",
            actor=actor,
            obj=choice,
            team_id=episode.team_id,
            details={"episode": episode.pk, "chosen": list(chosen)},
        )
        items = []
        for slug in chosen:
            option = options[slug]
            formats = (option.catalogue_entry.data.get("delivery") or {}).get("formats", [])  # type: ignore[union-attr]
            plan = package.ItemPlan(
                intervention=option,
                delivery_format=DeliveryFormat.GROUP
                if formats == ["group"]
                else DeliveryFormat.DYAD,
                frequency="",
                planned_sessions=None,
                practitioners=[episode.lead_practitioner],
                starts_on=None,
                review_on=None,
            )
            item, _created = package.add_item(actor=actor, episode=episode, plan=plan)
            items.append(item)
        return choice, items
