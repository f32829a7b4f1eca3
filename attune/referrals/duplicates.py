"""The duplicate check at intake: people the team may already know, for staff to confirm.

Nothing is merged. For each person typed into the form, staff choose either an
existing record (which the referral then uses) or "a new person".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from attune.families.selectors import PossibleDuplicate, possible_duplicates
from attune.referrals.services import NewPerson, ReferralDraft

NEW_PERSON = "new"


@dataclass(frozen=True)
class SlotMatches:
    slot: str
    label: str
    typed: NewPerson
    matches: list[PossibleDuplicate]

    @property
    def field_name(self) -> str:
        return f"match_{self.slot}"


def _slots(draft: ReferralDraft) -> list[tuple[str, str, NewPerson]]:
    slots = [("baby", "The baby", draft.baby)]
    for index, carer in enumerate(draft.carers, start=1):
        slots.append(
            (f"carer{index}", "First carer" if index == 1 else "Second carer", carer.person)
        )
    return slots


def find_matches(draft: ReferralDraft) -> list[SlotMatches]:
    found = []
    for slot, label, typed in _slots(draft):
        fields = typed.fields
        matches = possible_duplicates(
            draft.team,
            given_name=fields["given_name"],
            family_name=fields["family_name"],
            date_of_birth=fields.get("date_of_birth"),
            due_date=fields.get("due_date"),
            nhs_number=fields.get("nhs_number", ""),
            postcode=fields.get("postcode", ""),
        )
        if matches:
            found.append(SlotMatches(slot, label, typed, matches))
    return found


def apply_choices(
    draft: ReferralDraft, found: list[SlotMatches], posted: Any
) -> dict[str, str] | None:
    """Use the records staff chose. Returns errors by field when a choice is missing or
    not one of the offered matches (a tampered id never reaches another record)."""
    errors = {}
    for slot in found:
        choice = posted.get(slot.field_name, "")
        if choice == NEW_PERSON:
            continue
        chosen = next((m.person for m in slot.matches if str(m.person.pk) == choice), None)
        if chosen is None:
            errors[slot.field_name] = f"{slot.label}: choose an existing record or 'a new person'"
            continue
        slot.typed.existing = chosen
    if errors:
        return errors
    # A baby the team already knows is being referred again: keep one family record.
    if draft.baby.existing is not None:
        membership = draft.baby.existing.memberships.select_related("family").first()
        draft.existing_family = membership.family if membership else None
    return None
