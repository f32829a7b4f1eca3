"""Signing in through a real browser: password, authenticator, recovery codes, sign-out.

Every page these tests reach is checked with axe-core and for Content Security
Policy errors (``Visit.check``). Data is made before each ``with visit()`` block
and the database is checked after it (see conftest.py).
"""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from attune.accounts import services
from attune.accounts.roles import Role
from attune.audit.models import AuditEvent
from tests.browser.support import (
    authenticator_code,
    give_authenticator,
    key_from_manual_entry,
    make_team,
    member,
    wrong_code,
)
from tests.browser.visit import VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SIGN_IN = re.compile(r"/accounts/sign-in/$")
SET_UP = re.compile(r"/accounts/sign-in/set-up-authenticator/$")
VERIFY = re.compile(r"/accounts/sign-in/verify/$")
HOME = re.compile(r"^http://[^/]+/$")


def expect_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def expect_field_error(page: Page, field_id: str, message: str) -> None:
    """The error is in the summary (linked to the field) and beside the field itself."""
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", f"#{field_id}")
    group = page.locator(".nhsuk-form-group--error", has=page.locator(f"#{field_id}"))
    error = group.locator(".nhsuk-error-message")
    expect(error).to_contain_text(message)
    error_id = error.get_attribute("id")
    assert error_id, "the error message beside the field needs an id"
    expect(page.locator(f"#{field_id}")).to_have_attribute(
        "aria-describedby", re.compile(rf"(^|\s){re.escape(error_id)}(\s|$)")
    )


def expect_home(page: Page, team_name: str, role_label: str) -> None:
    expect(page).to_have_url(HOME)
    expect(page.locator(".attune-header__name")).to_have_text(team_name)
    expect_heading(page, f"{role_label} — {team_name}")
    expect(page.get_by_test_id("sign-out")).to_be_visible()


def test_first_sign_in_sets_up_the_authenticator(visit: VisitFactory) -> None:
    team = make_team("Riverside parent-infant team")
    user = member(Role.PRACTITIONER, team)

    with visit() as v:
        v.sign_in_with_password(user.username)
        expect(v.page).to_have_url(SET_UP)
        expect_heading(v.page, "Set up your authenticator app")
        expect(v.page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
        v.check("set up your authenticator app")

        v.enter_code("12345", button="Turn on security codes")
        expect_field_error(
            v.page, "id_code", "The code is 6 digits, shown in your authenticator app"
        )
        v.check("set up your authenticator app, with an error")

        key = key_from_manual_entry(v.page.get_by_test_id("manual-key").inner_text())
        v.enter_code(authenticator_code(key), button="Turn on security codes")
        expect_heading(v.page, "Your recovery codes")
        codes = v.page.get_by_test_id("recovery-codes").get_by_role("listitem")
        expect(codes).to_have_count(10)
        shown_codes = codes.all_inner_texts()
        v.check("recovery codes")

        v.page.get_by_role("link", name=re.compile("I have saved my codes")).click()
        expect_home(v.page, team.name, "Practitioner")
        v.check("practitioner home")

    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.key == key.hex()
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == {code.strip().replace("-", "") for code in shown_codes}


def test_returning_manager_signs_in_with_an_authenticator_code(visit: VisitFactory) -> None:
    team = make_team("Hillside infant mental health team")
    user = member(Role.MANAGER, team)
    key = give_authenticator(user)

    with visit() as v:
        v.sign_in_with_password(user.username)
        expect(v.page).to_have_url(VERIFY)
        expect_heading(v.page, "Enter your security code")
        v.check("enter your security code")

        v.enter_code(authenticator_code(key))
        expect_home(v.page, team.name, "Team manager (clinical lead)")
        v.check("manager home")

        v.page.get_by_role("navigation", name="Main menu").get_by_role(
            "link", name="Audit trail"
        ).click()
        expect_heading(v.page, "Audit trail")
        expect(v.page.locator("caption")).to_have_text(re.compile(r"^\d+ events?$"))
        v.check("audit trail")

        v.page.get_by_role("navigation", name="Main menu").get_by_role(
            "link", name="Your account"
        ).click()
        expect_heading(v.page, "Your account")
        expect(v.page.locator(".nhsuk-summary-list")).to_contain_text(user.username)
        v.check("your account")

    verified = AuditEvent.objects.filter(actor=user, action="login.mfa_verified").get()
    assert verified.details == {"method": "authenticator"}


def test_wrong_password_and_wrong_code_show_errors(visit: VisitFactory) -> None:
    user = member(Role.SUPERVISOR)
    key = give_authenticator(user)

    with visit() as v:
        v.sign_in_with_password(user.username, password="not-the-password-at-all")
        expect(v.page).to_have_url(SIGN_IN)
        expect(v.page.locator(".nhsuk-error-summary")).to_contain_text(
            "The username or password is not right"
        )
        v.check("sign-in, with an error")

        v.sign_in_with_password(user.username)
        expect(v.page).to_have_url(VERIFY)
        v.check("enter your security code")
        v.enter_code(wrong_code(authenticator_code(key)))
        expect(v.page).to_have_url(VERIFY)
        expect_field_error(v.page, "id_code", "That code is not right, or it was used already.")
        v.check("enter your security code, with an error")

    assert AuditEvent.objects.filter(actor=user, action="login.mfa_failed").count() == 1
    assert not AuditEvent.objects.filter(actor=user, action="login.mfa_verified").exists()


def test_sign_out_ends_the_session(visit: VisitFactory) -> None:
    team = make_team("Children's centre referrals")
    user = member(Role.REFERRER, team)
    key = give_authenticator(user)

    with visit() as v:
        v.sign_in_with_password(user.username)
        expect(v.page).to_have_url(VERIFY)
        v.check("enter your security code")
        v.enter_code(authenticator_code(key))
        expect_home(v.page, team.name, "Referrer")
        v.check("referrer home")

        v.sign_out()
        expect(v.page).to_have_url(SIGN_IN)
        expect(v.page.get_by_role("status")).to_have_text("You have signed out.")
        expect(v.page.get_by_test_id("sign-out")).to_have_count(0)
        v.check("sign-in, after signing out")

        v.page.goto("/")
        expect(v.page).to_have_url(re.compile(r"/accounts/sign-in/\?next=/$"))
        expect_heading(v.page, "Sign in to Attune")
        expect(v.page.get_by_role("status")).to_have_count(0)
        v.check("sign-in, sent there from the home page")

    assert AuditEvent.objects.filter(actor=user, action="logout").count() == 1


def test_a_recovery_code_signs_in_only_once(visit: VisitFactory) -> None:
    team = make_team("Lakeside parent-infant team")
    user = member(Role.PRACTITIONER, team)
    give_authenticator(user)
    codes = services.regenerate_recovery_codes(actor=user)

    with visit() as v:
        v.sign_in_with_password(user.username)
        expect(v.page).to_have_url(VERIFY)
        v.check("enter your security code")
        v.enter_code(codes[0])
        expect_home(v.page, team.name, "Practitioner")
        v.check("practitioner home")
        v.sign_out()
        expect(v.page).to_have_url(SIGN_IN)
        v.check("sign-in, after signing out")

        v.sign_in_with_password(user.username)
        expect(v.page).to_have_url(VERIFY)
        v.check("enter your security code")
        v.enter_code(codes[0])
        expect(v.page).to_have_url(VERIFY)
        expect_field_error(v.page, "id_code", "That code is not right, or it was used already.")
        v.check("enter your security code, after a used recovery code")

    left = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert left == {code.replace("-", "") for code in codes[1:]}
    verified = AuditEvent.objects.filter(actor=user, action="login.mfa_verified").get()
    assert verified.details == {"method": "recovery_code"}
