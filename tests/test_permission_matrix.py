"""Every URL pattern x every persona: the response each must get.

A new URL pattern without a row here fails ``test_every_url_has_a_row``. Rows
give the expected status for a GET by each persona; POST-only views expect 405
(or the sign-in redirect for anonymous visitors). Denied responses must carry
no personal data: ``test_denied_responses_hold_no_canary`` checks that.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.matrix_rows
from conftest import PERSONAS
from tests.matrix import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row


def area_modules() -> list:  # type: ignore[type-arg]
    return [
        importlib.import_module(f"tests.matrix_rows.{info.name}")
        for info in pkgutil.iter_modules(tests.matrix_rows.__path__)
    ]


MATRIX: dict[str, dict[str, int]] = {
    "home": row(OK),
    "health": row(OK, anonymous=OK, password_only=OK),
    "accounts:login": row(REDIRECT, anonymous=OK, password_only=OK),
    "accounts:mfa_verify": row(REDIRECT, password_only=REDIRECT),
    "accounts:mfa_setup": row(OK, password_only=OK),
    "accounts:logout": row(NOT_ALLOWED, anonymous=NOT_ALLOWED, password_only=NOT_ALLOWED),
    "accounts:security": row(OK),
    # A keep-alive for any signed-in account; anyone else gets the sign-in steps.
    "accounts:ping": row(OK),
    "accounts:switch_team": row(NOT_ALLOWED),
    "audit:search": row(FORBIDDEN, manager=OK),
    "accounts:team_members": row(FORBIDDEN, manager=OK),
    "accounts:delegate_triage": row(NOT_ALLOWED),
    # Families and referrals: clinical staff of the record's team; referrers only their own.
    "families:list": row(OK, commissioner=FORBIDDEN, referrer=FORBIDDEN, system_admin=FORBIDDEN),
    "families:detail": row(
        OK,
        other_practitioner=NOT_FOUND,
        commissioner=FORBIDDEN,
        referrer=FORBIDDEN,
        system_admin=FORBIDDEN,
    ),
    "families:person_add": row(
        OK,
        other_practitioner=NOT_FOUND,
        commissioner=FORBIDDEN,
        referrer=FORBIDDEN,
        system_admin=FORBIDDEN,
    ),
    "families:person_edit": row(
        OK,
        other_practitioner=NOT_FOUND,
        commissioner=FORBIDDEN,
        referrer=FORBIDDEN,
        system_admin=FORBIDDEN,
    ),
    "referrals:list": row(OK, commissioner=FORBIDDEN, referrer=FORBIDDEN, system_admin=FORBIDDEN),
    "referrals:new": row(OK, commissioner=FORBIDDEN, system_admin=FORBIDDEN),
    "referrals:mine": row(OK, commissioner=FORBIDDEN, system_admin=FORBIDDEN),
    "referrals:waiting_list": row(
        OK, commissioner=FORBIDDEN, referrer=FORBIDDEN, system_admin=FORBIDDEN
    ),
    "referrals:detail": row(
        OK,
        other_practitioner=NOT_FOUND,
        commissioner=FORBIDDEN,
        referrer=FORBIDDEN,
        system_admin=FORBIDDEN,
    ),
    # The confirmation page is for whoever submitted the referral (here, the referrer).
    "referrals:submitted": row(
        NOT_FOUND, referrer=OK, commissioner=FORBIDDEN, system_admin=FORBIDDEN
    ),
    "referrals:letter": row(
        OK, other_practitioner=NOT_FOUND, commissioner=FORBIDDEN, system_admin=FORBIDDEN
    ),
    "referrals:triage": row(NOT_ALLOWED),
    "care:allocate": row(NOT_ALLOWED),
    "care:caseload": row(OK, commissioner=FORBIDDEN, referrer=FORBIDDEN, system_admin=FORBIDDEN),
    "care:episode": row(
        OK,
        other_practitioner=NOT_FOUND,
        commissioner=FORBIDDEN,
        referrer=FORBIDDEN,
        system_admin=FORBIDDEN,
    ),
    # Every admin page: only a system administrator; everyone else is sent to sign in.
    "admin:*": row(REDIRECT, system_admin=OK),
    # The admin's own sign-in hands over to Attune's (password + second factor).
    "admin:login": row(REDIRECT, system_admin=REDIRECT),
    "admin:logout": row(REDIRECT, system_admin=NOT_ALLOWED),
    # Autocomplete answers only with its query parameters.
    "admin:autocomplete": row(REDIRECT, system_admin=FORBIDDEN),
    # Lockout records are written by django-axes only, never added by hand.
    "admin:axes_accessattempt_add": row(REDIRECT, system_admin=FORBIDDEN),
    "admin:axes_accesslog_add": row(REDIRECT, system_admin=FORBIDDEN),
    "admin:axes_accessfailurelog_add": row(REDIRECT, system_admin=FORBIDDEN),
}

for _module in area_modules():
    MATRIX.update(_module.ROWS)

# Where a pattern needs arguments, the values to use (all point at records the
# system administrator may see, so only the role decides the outcome).
ADMIN_SAMPLE_KWARGS = {"app_label": "accounts"}


def walk(patterns: list, namespace: str = "", prefix: str = "") -> Iterator[tuple[str, URLPattern]]:  # type: ignore[type-arg]
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else entry.namespace or namespace
            )
            yield from walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def all_url_names() -> list[str]:
    return sorted({name for name, _ in walk(get_resolver().url_patterns)})


def matrix_row_for(name: str) -> dict[str, int] | None:
    if name in MATRIX:
        return MATRIX[name]
    namespace = name.split(":", 1)[0]
    return MATRIX.get(f"{namespace}:*") if ":" in name else None


@pytest.fixture
def url_kwargs(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Records in the first team for URLs that take an id: a family, a carer, a referral."""
    from attune.care.services import allocate_and_open_episode
    from attune.referrals.services import triage
    from attune.referrals.tests.factories import make_referral

    referral = make_referral(team=world.team, submitted_by=world.users["referrer"])
    carer = referral.people_in_scope.exclude(date_of_birth=None).last()
    kwargs = {"family_id": referral.family_id, "person_id": carer.pk, "referral_id": referral.pk}
    # A second referral from the same referrer, accepted and allocated: its episode.
    allocated = make_referral(team=world.team, submitted_by=world.users["referrer"])
    manager = world.users["manager"]
    triage(
        actor=manager,
        referral=allocated,
        expected_version=allocated.version,
        decision="accept",
        priority=2,
    )
    allocated.refresh_from_db()
    episode = allocate_and_open_episode(
        actor=manager,
        referral=allocated,
        expected_version=allocated.version,
        practitioner=world.users["practitioner"],
    )
    kwargs["episode_id"] = episode.pk
    kwargs["membership_id"] = world.users["practitioner"].memberships.get().pk
    for module in area_modules():
        if hasattr(module, "kwargs"):
            extra = module.kwargs(world, episode)
            # Two areas using one URL argument name for different records would test one
            # of them against the other's record (and pass only while their ids agree).
            clash = set(extra) & set(kwargs)
            assert not clash, f"{module.__name__} reuses URL argument names: {sorted(clash)}"
            kwargs.update(extra)
    return kwargs


def reverse_with(name: str, pattern: URLPattern, kwargs: dict[str, int]) -> str:
    wanted = set(pattern.pattern.regex.groupindex)
    return reverse(name, kwargs={key: kwargs[key] for key in wanted})


def test_every_url_has_a_row() -> None:
    missing = [name for name in all_url_names() if matrix_row_for(name) is None]
    assert not missing, f"URL patterns without a permission matrix row: {missing}"


def test_matrix_has_no_stale_rows() -> None:
    names = set(all_url_names())
    stale = [name for name in MATRIX if not name.endswith(":*") and name not in names]
    assert not stale, f"Matrix rows for URLs that no longer exist: {stale}"


def reversible_admin_urls() -> list[tuple[str, str]]:
    urls = []
    for name, pattern in walk(get_resolver().url_patterns):
        if not name.startswith("admin:"):
            continue
        wanted = set(pattern.pattern.regex.groupindex)
        if wanted <= set(ADMIN_SAMPLE_KWARGS):
            urls.append((name, reverse(name, kwargs={k: ADMIN_SAMPLE_KWARGS[k] for k in wanted})))
    return urls


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_response(persona: str, client_for, url_kwargs) -> None:  # type: ignore[no-untyped-def]
    client = client_for(persona)
    failures = []
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue
        expected = MATRIX[name][persona]
        response = client.get(reverse_with(name, pattern, url_kwargs))
        if response.status_code != expected:
            failures.append(f"{name}: expected {expected}, got {response.status_code}")
    for name, url in reversible_admin_urls():
        expected = matrix_row_for(name)[persona]  # type: ignore[index]
        response = client.get(url)
        if response.status_code != expected:
            failures.append(f"{url}: expected {expected}, got {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "persona", ["practitioner", "referrer", "commissioner", "password_only", "anonymous"]
)
def test_redirects_never_leave_the_site(persona: str, client_for, url_kwargs) -> None:  # type: ignore[no-untyped-def]
    client = client_for(persona)
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue
        response = client.get(reverse_with(name, pattern, url_kwargs))
        if response.status_code == REDIRECT:
            assert response["Location"].startswith("/"), (name, response["Location"])


def test_denied_responses_hold_no_canary(world, client_for) -> None:  # type: ignore[no-untyped-def]
    canary = "Zanzibar-Canary-4417"
    world.other_team.name = canary
    world.other_team.save(update_fields=["name"])
    client = client_for("practitioner")
    response = client.post(reverse("accounts:switch_team"), {"team": world.other_team.pk})
    assert response.status_code == NOT_FOUND
    assert canary not in response.content.decode()
    forbidden = client.get(reverse("audit:search"))
    assert forbidden.status_code == FORBIDDEN
    assert canary not in forbidden.content.decode()


def test_other_teams_family_and_referral_pages_hold_no_canary(world, client_for) -> None:  # type: ignore[no-untyped-def]
    from attune.referrals.tests.factories import make_referral

    canary = "Quillon-Canary-9932"
    referral = make_referral(
        team=world.other_team,
        submitted_by=world.users["other_practitioner"],
        referral_fields={"narrative": canary, "referrer_name": canary},
    )
    client = client_for("manager")
    person = referral.people_in_scope.first()
    for url in (
        reverse("families:detail", args=[referral.family_id]),
        reverse("families:person_edit", args=[person.pk]),
        reverse("referrals:detail", args=[referral.pk]),
        reverse("referrals:letter", args=[referral.pk]),
    ):
        response = client.get(url)
        assert response.status_code == NOT_FOUND, url
        assert canary not in response.content.decode()
        assert "Maya" not in response.content.decode()
