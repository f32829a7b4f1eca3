"""Secure headers on every response (ASVS v5.0.0-3.4.x, 14.3.2)."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("persona", ["anonymous", "practitioner"])
def test_content_security_policy_allows_no_inline_script(persona, client_for) -> None:
    response = client_for(persona).get(reverse("accounts:login"), follow=True)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts(client_for) -> None:
    for persona in ("anonymous", "manager"):
        html = client_for(persona).get("/", follow=True).content.decode()
        for tag in html.split("<script")[1:]:
            assert "src=" in tag.split(">", 1)[0], f"inline script found: <script{tag[:80]}"


def test_signed_in_pages_are_never_cached(client_for) -> None:
    response = client_for("practitioner").get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_every_response_carries_a_request_id(client_for) -> None:
    response = client_for("anonymous").get(reverse("health"))
    assert len(response["X-Request-ID"]) == 32


def test_a_well_formed_incoming_request_id_is_kept(client_for) -> None:
    response = client_for("anonymous").get(reverse("health"), HTTP_X_REQUEST_ID="abc12345-proxy")
    assert response["X-Request-ID"] == "abc12345-proxy"
    hostile = client_for("anonymous").get(reverse("health"), HTTP_X_REQUEST_ID="<script>")
    assert hostile["X-Request-ID"] != "<script>"


def test_errors_show_no_technical_detail(client_for) -> None:
    response = client_for("practitioner").get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "Traceback" not in body
    assert "urlpatterns" not in body


def test_forwarded_address_is_believed_only_behind_trusted_proxies(rf, settings) -> None:
    from attune.core.middleware import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.2", REMOTE_ADDR="10.0.0.1")
    settings.ATTUNE_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.ATTUNE_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.2"
    settings.ATTUNE_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "198.51.100.7"
    # A client cannot push a spoofed address past the trusted hops.
    settings.ATTUNE_TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.1"
