"""The two settings the benchmark turns on: each is off by default, and the deploy check warns."""

from __future__ import annotations

from tests.test_settings import run_attune

LOOPBACK_PRODUCTION = {
    "ATTUNE_ENVIRONMENT": "production",
    "ATTUNE_SECRET_KEY": "y" * 60 + "-a-long-random-benchmark-key",
    "ATTUNE_ALLOWED_HOSTS": "127.0.0.1",
    "ATTUNE_ENCRYPTION_KEYS": "k1:" + "B" * 43 + "=",
    "ATTUNE_LOOPBACK_HTTP": "true",
}
SHOW = (
    "from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.SECURE_SSL_REDIRECT, "
    "s.MIDDLEWARE[0])"
)


def test_loopback_http_drops_secure_cookies_and_the_redirect_and_the_check_warns() -> None:
    shown = run_attune(LOOPBACK_PRODUCTION, "shell", "--verbosity", "0", "-c", SHOW)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split()[:3] == ["False", "attune-session", "False"]
    check = run_attune(LOOPBACK_PRODUCTION, "check", "--deploy")
    assert "attune.W001" in check.stderr + check.stdout
    assert "security.W012" in check.stderr + check.stdout  # Django's own cookie warning


def test_loopback_http_is_refused_for_a_host_that_is_not_loopback() -> None:
    env = {**LOOPBACK_PRODUCTION, "ATTUNE_ALLOWED_HOSTS": "127.0.0.1,attune.example.org"}
    result = run_attune(env, "check")
    assert result.returncode != 0
    assert "ATTUNE_LOOPBACK_HTTP" in result.stderr


def test_the_query_header_middleware_is_installed_only_when_asked_for() -> None:
    production = {k: v for k, v in LOOPBACK_PRODUCTION.items() if k != "ATTUNE_LOOPBACK_HTTP"}
    plain = run_attune(production, "shell", "--verbosity", "0", "-c", SHOW)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split() == [
        "True",
        "__Host-attune-session",
        "True",
        "attune.core.middleware.RequestContextMiddleware",
    ]
    on = {**production, "ATTUNE_BENCH_QUERY_HEADER": "true"}
    shown = run_attune(on, "shell", "--verbosity", "0", "-c", SHOW)
    assert shown.stdout.split()[-1] == "attune.core.middleware.QueryCountHeaderMiddleware"
    check = run_attune(on, "check", "--deploy")
    assert "attune.W002" in check.stderr + check.stdout
