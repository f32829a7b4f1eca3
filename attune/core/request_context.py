"""Who is acting, from where, in which request: read by the audit trail.

The middleware fills this for web requests; commands and tests may fill it with
``acting_as``. Services never need the request object to audit correctly.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    role: str = ""
    team_id: int | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "attune_request_context",
    default=RequestContext(),  # noqa: B039 - frozen dataclass, never mutated
)


def current() -> RequestContext:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_context(context: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(context)


def reset_context(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)


def update(**changes: object) -> None:
    _current.set(replace(_current.get(), **changes))  # type: ignore[arg-type]


@contextmanager
def acting_as(*, role: str = "", team_id: int | None = None) -> Iterator[RequestContext]:
    """Run non-web work (commands, jobs) under its own request id."""
    token = set_context(RequestContext(request_id=new_request_id(), role=role, team_id=team_id))
    try:
        yield current()
    finally:
        reset_context(token)
