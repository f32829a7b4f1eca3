"""X-Attune-Queries: the benchmark's count of database queries per response, off by default."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.core.middleware import QUERY_COUNT_HEADER

WITH_HEADER = ["attune.core.middleware.QueryCountHeaderMiddleware", *settings.MIDDLEWARE]


def test_the_header_is_off_by_default(client_for) -> None:
    assert "attune.core.middleware.QueryCountHeaderMiddleware" not in settings.MIDDLEWARE
    response = client_for("practitioner").get(reverse("home"))
    assert response.status_code == 200
    assert QUERY_COUNT_HEADER not in response


def test_the_header_counts_every_query_of_the_request(client_for) -> None:
    client = client_for("manager")
    with override_settings(MIDDLEWARE=WITH_HEADER), CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("referrals:waiting_list"))
    assert response.status_code == 200
    # Session, user, second factor and team are counted as well as the view's own queries.
    assert int(response[QUERY_COUNT_HEADER]) == len(queries.captured_queries) > 3


def test_the_header_is_on_error_pages_and_redirects_too(client_for) -> None:
    with override_settings(MIDDLEWARE=WITH_HEADER):
        redirect = client_for("anonymous").get(reverse("home"))
        forbidden = client_for("practitioner").get(reverse("audit:search"))
    assert redirect.status_code == 302
    assert redirect[QUERY_COUNT_HEADER] == "0"
    assert forbidden.status_code == 403
    assert int(forbidden[QUERY_COUNT_HEADER]) > 0
