"""Health check and generic error pages: never a stack trace, never data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request, "errors/error.jinja", {"title": title, "message": message}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        400,
        "Something in that request was not right",
        "Go back and try again. If it keeps happening, tell your administrator.",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        403,
        "You do not have access to this page",
        "Your role in this team does not include this page.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, 404, "Page not found", "Check the address, or go back to your home page."
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        500,
        "Sorry, there is a problem with Attune",
        "Try again later. Nothing you had already saved has been lost.",
    )
