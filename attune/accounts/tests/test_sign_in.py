"""Signing in: password, then a second factor; generic failures; sessions rotate."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts import services
from attune.accounts.tests.factories import TEST_PASSWORD, confirmed_authenticator
from attune.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/sign-in/"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time()
    return f"{totp.token():06d}"


def sign_in_with_password(client, username: str, password: str = TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_password_then_authenticator_code_reaches_home(world, client) -> None:
    device = confirmed_authenticator(world.users["practitioner"])
    response = sign_in_with_password(client, "practitioner")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_verify")
    assert client.get(reverse("home")).status_code == 302  # password alone reaches nothing
    response = client.post(reverse("accounts:mfa_verify"), {"code": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    actions = list(
        AuditEvent.objects.filter(actor=world.users["practitioner"]).values_list(
            "action", flat=True
        )
    )
    assert "login.password_accepted" in actions
    assert "login.mfa_verified" in actions


def test_wrong_password_and_unknown_user_get_the_same_answer(world, client) -> None:
    wrong = sign_in_with_password(client, "practitioner", "not-the-password")
    unknown = sign_in_with_password(client, "nobody-by-this-name", "not-the-password")
    assert wrong.status_code == unknown.status_code == 400
    message = "The username or password is not right"
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()
    assert AuditEvent.objects.filter(action="login.failed").count() == 2


def test_inactive_user_gets_the_generic_message(world, client) -> None:
    user = world.users["colleague"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = sign_in_with_password(client, "colleague")
    assert response.status_code == 400
    assert "The username or password is not right" in response.content.decode()


def test_a_used_code_cannot_be_used_again(world, client) -> None:
    device = confirmed_authenticator(world.users["practitioner"])
    sign_in_with_password(client, "practitioner")
    code = current_code(device)
    assert client.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in_with_password(client, "practitioner")
    reused = client.post(reverse("accounts:mfa_verify"), {"code": code})
    assert reused.status_code == 400
    assert "used already" in reused.content.decode()
    assert AuditEvent.objects.filter(action="login.mfa_failed").count() == 1


def test_wrong_code_is_refused_with_a_message_beside_the_field(world, client) -> None:
    device = confirmed_authenticator(world.users["practitioner"])
    sign_in_with_password(client, "practitioner")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:mfa_verify"), {"code": wrong})
    assert response.status_code == 400
    html = response.content.decode()
    assert "nhsuk-error-message" in html
    assert "There is a problem" in html
    assert client.get(reverse("home")).status_code == 302


def test_too_many_wrong_codes_sign_the_user_out(world, client, settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # test the session limit, not the device's delay
    confirmed_authenticator(world.users["practitioner"])
    sign_in_with_password(client, "practitioner")
    for _ in range(10):
        response = client.post(reverse("accounts:mfa_verify"), {"code": "000000"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert AuditEvent.objects.filter(action="login.mfa_attempts_exhausted").exists()
    assert client.get(reverse("accounts:mfa_verify")).status_code == 302


def test_recovery_code_works_once(world, client) -> None:
    user = world.users["practitioner"]
    confirmed_authenticator(user)
    codes = services.regenerate_recovery_codes(actor=user)
    sign_in_with_password(client, "practitioner")
    assert (
        client.post(reverse("accounts:mfa_verify"), {"code": codes[0].lower()}).status_code == 302
    )
    assert StaticToken.objects.filter(device__user=user).count() == len(codes) - 1
    client.post(reverse("accounts:logout"))
    sign_in_with_password(client, "practitioner")
    assert client.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 400


def test_first_sign_in_enrols_an_authenticator(world, client) -> None:
    user = world.users["referrer"]
    response = sign_in_with_password(client, "referrer")
    assert response["Location"] == reverse("accounts:mfa_setup")
    page = client.get(reverse("accounts:mfa_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()  # nothing saved on GET
    key = client.session["attune_enrolment_device"]
    pending = TOTPDevice(user=user, key=key)
    bad = client.post(reverse("accounts:mfa_setup"), {"code": "12345"})
    assert bad.status_code == 400
    assert "6 digits" in bad.content.decode()
    done = client.post(reverse("accounts:mfa_setup"), {"code": current_code(pending)})
    assert done.status_code == 200
    assert 'data-testid="recovery-codes"' in done.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and device.tolerance == 0
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get(reverse("home")).status_code == 200
    # The code that enrolled the app cannot sign in again.
    assert device.verify_token(current_code(device)) is False


def test_password_alone_cannot_replace_an_existing_authenticator(world, client) -> None:
    confirmed_authenticator(world.users["practitioner"])
    sign_in_with_password(client, "practitioner")
    response = client.get(reverse("accounts:mfa_setup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_verify")
    post = client.post(reverse("accounts:mfa_setup"), {"code": "123456"})
    assert post.status_code == 302


def test_session_id_rotates_at_password_and_at_second_factor(world, client) -> None:
    device = confirmed_authenticator(world.users["practitioner"])
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    sign_in_with_password(client, "practitioner")
    after_password = client.session.session_key
    client.post(reverse("accounts:mfa_verify"), {"code": current_code(device)})
    after_code = client.session.session_key
    assert len({before, after_password, after_code}) == 3


def test_sign_out_kills_the_session_on_the_server(world, client_for) -> None:
    client = client_for("practitioner")
    cookie = client.cookies["attune-session"].value
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "storage" in response["Clear-Site-Data"]
    replay = client_for("anonymous")
    replay.cookies["attune-session"] = cookie
    assert replay.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="logout").exists()
    assert "You have signed out" in client.get(LOGIN).content.decode()


def test_sign_out_needs_post(client_for) -> None:
    client = client_for("practitioner")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "https:evil.example"],
)
def test_open_redirects_are_refused_and_audited(world, client, target: str) -> None:
    device = confirmed_authenticator(world.users["practitioner"])
    client.post(f"{LOGIN}?next={target}", {"username": "practitioner", "password": TEST_PASSWORD})
    response = client.post(reverse("accounts:mfa_verify"), {"code": current_code(device)})
    assert response["Location"] == reverse("home")
    assert AuditEvent.objects.filter(action="security.unsafe_redirect_refused").exists()


def test_a_safe_next_is_honoured_after_the_second_factor(world, client) -> None:
    device = confirmed_authenticator(world.users["manager"])
    client.post(f"{LOGIN}?next=/audit/", {"username": "manager", "password": TEST_PASSWORD})
    response = client.post(reverse("accounts:mfa_verify"), {"code": current_code(device)})
    assert response["Location"] == "/audit/"


def test_new_recovery_codes_replace_the_old(world, client_for) -> None:
    user = world.users["supervisor"]
    old = services.regenerate_recovery_codes(actor=user)
    response = client_for("supervisor").post(reverse("accounts:security"))
    assert response.status_code == 200
    assert StaticToken.objects.filter(device__user=user, token=old[0].replace("-", "")).count() == 0
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert (
        AuditEvent.objects.filter(action="mfa.recovery_codes_regenerated", actor=user).count() == 2
    )
