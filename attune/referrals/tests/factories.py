"""Building referrals for tests through the real intake service (never bypassing it)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from attune.accounts.models import Team, User
from attune.families.codes import CarerKind
from attune.referrals.codes import Channel, ReferrerRole, StressorDomain, StressorStatus
from attune.referrals.models import Referral
from attune.referrals.services import CarerEntry, NewPerson, ReferralDraft, submit_referral


def draft_for(team: Team, **overrides: Any) -> ReferralDraft:
    today = timezone.localdate()
    baby_born = overrides.pop("baby_born", today - timedelta(weeks=10))
    fields = {
        "referrer_name": "Rita Referrer",
        "referrer_role": ReferrerRole.HEALTH_VISITOR,
        "referrer_organisation": "Riverside health visiting",
        "referrer_email": "rita@example.org",
        "referrer_phone": "",
        "reasons": ["parent_mental_health"],
        "narrative": "Mum is finding the early weeks very hard.",
        "urgency": "routine",
        "social_care": "none",
        "family_agrees": True,
        "safeguarding_reason": "",
    }
    fields.update(overrides.pop("referral_fields", {}))
    draft = ReferralDraft(
        team=team,
        channel=Channel.ONLINE,
        received_on=overrides.pop("received_on", today),
        submission_key=overrides.pop("submission_key", uuid.uuid4()),
        baby=NewPerson({"given_name": "Maya", "family_name": "Shah", "date_of_birth": baby_born}),
        carers=[
            CarerEntry(
                NewPerson(
                    {
                        "given_name": "Priya",
                        "family_name": "Shah",
                        "date_of_birth": date(1994, 5, 1),
                        "postcode": "SW1A 1AA",
                    }
                ),
                kind=CarerKind.BIRTH_MOTHER,
                has_parental_responsibility=True,
            )
        ],
        referral_fields=fields,
        stressors={d.value: (StressorStatus.UNKNOWN, "") for d in StressorDomain},
    )
    for key, value in overrides.items():
        setattr(draft, key, value)
    return draft


def make_referral(*, team: Team, submitted_by: User, **overrides: Any) -> Referral:
    referral, _ = submit_referral(actor=submitted_by, draft=draft_for(team, **overrides))
    return referral
