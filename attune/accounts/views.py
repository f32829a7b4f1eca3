"""Sign-in (password, then a second factor), enrolment, sign-out, team switching, home."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from attune.accounts import mfa, services
from attune.accounts.access import get_team_for
from attune.accounts.forms import EnrolmentCodeForm, OneTimeCodeForm, SignInForm, TeamSwitchForm
from attune.accounts.home import home_page_for
from attune.accounts.middleware import (
    SESSION_TEAM,
    SIGNED_OUT_REASON,
    mark_session_started,
    mfa_exempt,
)
from attune.accounts.otp import (
    ENROLMENT_SESSION_KEY,
    authenticator_qr_svg,
    check_enrolment_code,
    manual_entry_key,
    pending_enrolment_device,
    remaining_recovery_codes,
    verify_second_factor,
)
from attune.audit.services import record
from attune.core.views import error_page

NEXT_KEY = "attune_next"
MFA_FAILURES_KEY = "attune_mfa_failures"
MFA_FAILURE_LIMIT = 10


def _minutes(limit: Any) -> int:
    return int(limit.total_seconds() // 60)


SIGNED_OUT_MESSAGES = {
    "idle": (
        "You were signed out after {idle} minutes without activity, "
        "to keep families' information safe."
    ),
    "absolute": "You were signed out because you had been signed in for {hours} hours.",
    "signed_out": "You have signed out.",
    "mfa_attempts": "You were signed out after too many security codes that were not right.",
}


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if not target:
        return ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    record("security.unsafe_redirect_refused", actor=request.user, details={"target": target[:200]})
    return ""


def _after_sign_in(request: HttpRequest) -> HttpResponse:
    return redirect(request.session.pop(NEXT_KEY, "") or reverse("home"))


def _second_factor_step(user: Any) -> str:
    if mfa.has_confirmed_authenticator(user):
        return reverse("accounts:mfa_verify")
    return reverse("accounts:mfa_setup")


@login_not_required
@mfa_exempt
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and mfa.is_satisfied(request.user):
        return redirect("home")
    next_url = _safe_next(request)
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user)  # Django rotates the session id here.
            mark_session_started(request)
            request.session[NEXT_KEY] = next_url
            record("login.password_accepted", actor=user)
            if mfa.is_satisfied(user):
                record("login.demo_mfa_waived", actor=user)
                return _after_sign_in(request)
            return redirect(_second_factor_step(user))
        record(
            "login.failed",
            actor=None,
            details={"username": request.POST.get("username", "")[:150]},
        )
    reason = request.session.pop(SIGNED_OUT_REASON, None)
    context = {
        "form": form,
        "next": next_url,
        "signed_out_message": SIGNED_OUT_MESSAGES.get(reason or "", "").format(
            idle=_minutes(settings.ATTUNE_IDLE_TIMEOUT),
            hours=_minutes(settings.ATTUNE_ABSOLUTE_SESSION_LIMIT) // 60,
        ),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/sign_in.jinja", context, status=status)


@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if mfa.is_satisfied(user):  # type: ignore[arg-type]
        return redirect("home")
    if not mfa.has_confirmed_authenticator(user):  # type: ignore[arg-type]
        return redirect("accounts:mfa_setup")
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = verify_second_factor(user, form.cleaned_data["code"])  # type: ignore[arg-type]
        if outcome.device is not None:
            otp_login(request, outcome.device)
            request.session.cycle_key()
            request.session.pop(MFA_FAILURES_KEY, None)
            record("login.mfa_verified", actor=user, details={"method": outcome.method})
            return _after_sign_in(request)
        failures = request.session.get(MFA_FAILURES_KEY, 0) + 1
        request.session[MFA_FAILURES_KEY] = failures
        record("login.mfa_failed", actor=user, details={"attempt": failures})
        if failures >= MFA_FAILURE_LIMIT:
            record("login.mfa_attempts_exhausted", actor=user)
            logout(request)
            request.session[SIGNED_OUT_REASON] = "mfa_attempts"
            return redirect("accounts:login")
        form.add_error("code", outcome.message)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/mfa_verify.jinja", {"form": form}, status=status)


@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    # With a password alone, nobody may replace an existing authenticator.
    if mfa.has_confirmed_authenticator(user) and not mfa.is_satisfied(user):  # type: ignore[arg-type]
        return redirect("accounts:mfa_verify")
    device = pending_enrolment_device(request)
    form = EnrolmentCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        last_t = check_enrolment_code(device, form.cleaned_data["code"])
        if last_t is not None:
            enrolment = services.enrol_authenticator(actor=user, key=device.key, last_t=last_t)  # type: ignore[arg-type]
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, enrolment.device)
            request.session.cycle_key()
            continue_url = request.session.pop(NEXT_KEY, "") or reverse("home")
            context = {"codes": enrolment.recovery_codes, "continue_url": continue_url}
            return render(request, "accounts/recovery_codes.jinja", context)
        record("mfa.enrolment_code_rejected", actor=user)
        form.add_error("code", "That code is not right. Enter the code your app shows now.")
    context = {
        "form": form,
        "qr_svg": authenticator_qr_svg(device),
        "manual_key": manual_entry_key(device),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/mfa_setup.jinja", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def account_security(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        codes = services.regenerate_recovery_codes(actor=request.user)  # type: ignore[arg-type]
        return render(
            request,
            "accounts/recovery_codes.jinja",
            {"codes": codes, "continue_url": reverse("accounts:security")},
        )
    context = {"recovery_codes_left": remaining_recovery_codes(request.user)}  # type: ignore[arg-type]
    return render(request, "accounts/security.jinja", context)


@login_not_required
@mfa_exempt
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record("logout", actor=request.user)
    logout(request)  # Flushes the session on the server: the old cookie is worthless.
    request.session[SIGNED_OUT_REASON] = "signed_out"
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@require_POST
def switch_team(request: HttpRequest) -> HttpResponse:
    form = TeamSwitchForm(request.POST)
    if not form.is_valid():
        return error_page(
            request, 400, "Choose a team from the list", "Go back and pick one of your teams."
        )
    team = get_team_for(request.user, form.cleaned_data["team"])  # type: ignore[arg-type]
    request.session[SESSION_TEAM] = team.pk
    record("team.switched", actor=request.user, obj=team, team_id=team.pk)
    return redirect("home")


@never_cache
@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    """Whether the session is still signed in (with its second factor), as tiny JSON.

    A page can call it to keep a session alive while someone types a long note; the
    benchmark uses it as the cheapest signed-in page (the framework's ceiling). It passes
    through every middleware, so an ended session gets the sign-in redirect like any page.
    It reads nothing about a family or a person, only the session, so unlike clinical pages
    it writes no audit event: a keep-alive every few minutes would only bury real reads.
    """
    return JsonResponse({"signed_in": True})


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    page = home_page_for(request)
    return render(request, page.template, {"page": page})


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    record("security.csrf_failed", actor=request.user, details={"path": request.path[:200]})
    return error_page(
        request, 403, "This form has expired", "Go back, reload the page and try again."
    )


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when a username + address pair has too many failures."""
    username = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    record("login.locked_out", actor=None, details={"username": str(username)[:150]})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return error_page(
        request,
        429,
        "Sign-in is paused",
        f"There were too many attempts to sign in. Wait {minutes} minutes and try again, "
        "or ask your administrator for help.",
    )


@login_not_required
def admin_sign_in(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin site signs in through Attune's own MFA flow, never its own form."""
    return redirect(f"{reverse('accounts:login')}?next={reverse('admin:index')}")
