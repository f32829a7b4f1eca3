"""Deployment checks for Attune's own settings (``attune check --deploy``).

Django's checks already warn about cookies without Secure and a missing HTTPS
redirect; these name the Attune setting that caused it, so a deployment that
copied the benchmark's environment by mistake is told which variable to remove.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def benchmark_settings_are_off(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if getattr(settings, "LOOPBACK_HTTP", False):
        messages.append(
            Warning(
                "ATTUNE_LOOPBACK_HTTP is on: Attune serves plain HTTP with cookies that are "
                "not Secure.",
                hint="It is for the benchmark on 127.0.0.1 only. Remove it from a deployment.",
                id="attune.W001",
            )
        )
    if getattr(settings, "ATTUNE_BENCH_QUERY_HEADER", False):
        messages.append(
            Warning(
                "ATTUNE_BENCH_QUERY_HEADER is on: every response says how many database "
                "queries it took (X-Attune-Queries).",
                hint="It is for the benchmark only. Remove it from a deployment.",
                id="attune.W002",
            )
        )
    return messages
