"""Shared pieces of the permission matrix: expected outcomes and the row builder.

Each area of Attune may keep its rows in ``tests/matrix_rows/<area>.py`` with
``ROWS`` (url name -> expected status per persona) and, when its URLs take ids,
``kwargs(world, episode) -> dict`` giving records in the first team.
"""

from __future__ import annotations

from conftest import PERSONAS

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405

VERIFIED = [p for p in PERSONAS if p not in {"anonymous", "password_only"}]


def row(
    default: int, *, anonymous: int = REDIRECT, password_only: int = REDIRECT, **overrides: int
) -> dict[str, int]:
    expected = {persona: default for persona in VERIFIED}
    expected.update(anonymous=anonymous, password_only=password_only)
    expected.update(overrides)
    return expected


def clinical_record(**overrides: int) -> dict[str, int]:
    """A page about one record of the first team: its clinicians see it, other teams get 404."""
    expected = dict(
        other_practitioner=NOT_FOUND,
        commissioner=FORBIDDEN,
        referrer=FORBIDDEN,
        system_admin=FORBIDDEN,
    )
    expected.update(overrides)
    return row(OK, **expected)


def clinical_text(**overrides: int) -> dict[str, int]:
    """Notes, safeguarding and assessment text: clinicians only (administrators 403)."""
    return clinical_record(administrator=FORBIDDEN, **overrides)


def post_only() -> dict[str, int]:
    return row(NOT_ALLOWED)
