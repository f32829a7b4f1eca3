"""Referral intake (staff and referrers), triage, outcome letters and the waiting list."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.access import request_can, requires
from attune.accounts.roles import Capability
from attune.core.locking import StaleEdit
from attune.families.services import age_rules_for
from attune.referrals import selectors, services
from attune.referrals.access import get_own_referral, get_referral_for, is_referrer
from attune.referrals.codes import TRIAGEABLE
from attune.referrals.duplicates import apply_choices, find_matches
from attune.referrals.forms import ReferralForm, TriageForm
from attune.referrals.models import Referral


def _referrer_initial(request: HttpRequest) -> dict[str, str]:
    user = request.user
    return {
        "referrer_name": user.get_full_name(),  # type: ignore[union-attr]
        "referrer_email": user.email,  # type: ignore[union-attr]
    }


# What another page (a consultation) may hand to the staff referral form through the session.
PREFILL_SESSION_KEY = "referral_prefill"
PREFILL_KEYS = ("referrer_name", "referrer_role", "referrer_organisation", "narrative")


def _take_prefill(request: HttpRequest) -> dict[str, str]:
    """The hand-over values, used once: only whitelisted keys, and only text."""
    handed = request.session.pop(PREFILL_SESSION_KEY, None)
    if not isinstance(handed, dict):
        return {}
    return {key: handed[key] for key in PREFILL_KEYS if isinstance(handed.get(key), str)}


@require_http_methods(["GET", "POST"])
@requires(Capability.SUBMIT_REFERRALS)
def referral_new(request: HttpRequest) -> HttpResponse:
    staff = not is_referrer(request)
    if request.method == "GET":
        initial = _referrer_initial(request)
        handed = _take_prefill(request) if staff else {}
        if handed:
            # The referrer is the consultee now, not the member of staff typing.
            initial = {k: v for k, v in initial.items() if k != "referrer_email"} | handed
        form = ReferralForm(staff=staff, initial=initial)
        return render(request, "referrals/new.jinja", {"form": form, "staff": staff})
    form = ReferralForm(request.POST, staff=staff)
    if not form.is_valid():
        return render(request, "referrals/new.jinja", {"form": form, "staff": staff}, status=400)
    draft = form.to_draft(team=request.team)  # type: ignore[attr-defined]
    # Staff check for people the team already knows; referrers never see other records.
    found = find_matches(draft) if staff else []
    if found:
        errors = apply_choices(draft, found, request.POST)
        if errors is not None:
            context = {
                "form": form,
                "staff": staff,
                "duplicates": found,
                "duplicate_errors": errors,
                "asked": any(s.field_name in request.POST for s in found),
            }
            return render(request, "referrals/new.jinja", context, status=200)
    referral, _created = services.submit_referral(actor=request.user, draft=draft)  # type: ignore[arg-type]
    return redirect("referrals:submitted", referral.pk)


@require_GET
@requires(Capability.SUBMIT_REFERRALS)
def referral_submitted(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_own_referral(request, referral_id)
    return render(request, "referrals/submitted.jinja", {"referral": referral})


@require_GET
@requires(Capability.SUBMIT_REFERRALS)
def my_referrals(request: HttpRequest) -> HttpResponse:
    referrals = list(selectors.referrer_referrals(request.team, request.user)[:200])  # type: ignore[attr-defined,arg-type]
    return render(request, "referrals/mine.jinja", {"referrals": referrals})


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def referral_list(request: HttpRequest) -> HttpResponse:
    team = request.team  # type: ignore[attr-defined]
    context = {
        "to_triage": list(selectors.triage_queue(team)[:200]),
        "recent": list(selectors.recent_referrals(team)[:50]),
        "can_triage": request_can(request, Capability.TRIAGE_REFERRALS),
    }
    return render(request, "referrals/list.jinja", context)


@require_GET
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for(request, referral_id)
    form = TriageForm(initial={"version": referral.version})
    return render(request, "referrals/detail.jinja", _detail_context(request, referral, form))


def _detail_context(
    request: HttpRequest, referral: Referral, form: TriageForm
) -> dict[str, object]:
    return {
        "referral": referral,
        "stressors": list(referral.stressors.all()),
        "decisions": list(referral.decisions.select_related("decided_by")),
        "can_triage": request_can(request, Capability.TRIAGE_REFERRALS)
        and referral.status in TRIAGEABLE,
        "triage_form": form,
    }


@require_POST
@requires(Capability.TRIAGE_REFERRALS)
def referral_triage(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for(request, referral_id, write=True)
    form = TriageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.triage(
                actor=request.user,  # type: ignore[arg-type]
                referral=referral,
                expected_version=data["version"],
                decision=data["decision"],
                priority=data.get("priority"),
                reasons=data["reasons"].strip(),
                signposting=data["signposting"].strip(),
                information_requested=data["information_requested"].strip(),
            )
            return redirect("referrals:letter", referral.pk)
        except StaleEdit:
            form.add_error(
                None, "Someone else triaged or changed this referral while you were deciding."
            )
        except services.TriageNotAllowed as refused:
            form.add_error(None, str(refused))
    return render(
        request, "referrals/detail.jinja", _detail_context(request, referral, form), status=400
    )


@require_GET
def outcome_letter(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The printable outcome: staff see any of the team's; a referrer only their own."""
    if is_referrer(request):
        referral = get_own_referral(request, referral_id)
    else:
        referral = get_referral_for(request, referral_id)
    decision = referral.decisions.select_related("decided_by").first()
    return render(request, "referrals/letter.jinja", {"referral": referral, "decision": decision})


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def waiting_list(request: HttpRequest) -> HttpResponse:
    team = request.team  # type: ignore[attr-defined]
    today = timezone.localdate()
    listing = selectors.waiting_list(team, age_rules_for(team), today)
    context = {
        "listing": listing,
        "can_allocate": request_can(request, Capability.TRIAGE_REFERRALS),
    }
    return render(request, "referrals/waiting_list.jinja", context)
