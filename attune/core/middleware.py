from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from attune.core import request_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address. X-Forwarded-For is believed only for the number of proxies
    the deployment says it runs (ATTUNE_TRUSTED_PROXY_COUNT), counted from the right."""
    trusted = settings.ATTUNE_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR") or None


def axes_client_ip(request: HttpRequest) -> str | None:
    """django-axes asks this for the address half of its username + address lock."""
    return client_ip(request)


class RequestContextMiddleware:
    """Give every request an id (echoed in X-Request-ID) for the audit trail and logs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else request_context.new_request_id()
        token = request_context.set_context(
            request_context.RequestContext(request_id=request_id, ip_address=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset_context(token)
        response["X-Request-ID"] = request_id
        return response


class NoStoreForAuthenticatedMiddleware:
    """Pages seen by a signed-in user must never sit in a browser or proxy cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


QUERY_COUNT_HEADER = "X-Attune-Queries"


class QueryCountHeaderMiddleware:
    """Say in a response header how many database queries the request made (the benchmark).

    Installed only when ATTUNE_BENCH_QUERY_HEADER is on (config/settings.py), first in the
    list, so session, sign-in and team look-ups are counted along with the view's own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
        ) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(count)
        return response
