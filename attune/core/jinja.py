"""The Jinja2 environment: NHS.UK frontend macros plus Django helpers."""

from __future__ import annotations

from typing import Any

import jinja2
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def local_datetime(value: Any, fmt: str = "j M Y, H:i") -> str:
    if value is None:
        return ""
    return date_format(localtime(value), fmt)


def environment(**options: Any) -> jinja2.Environment:
    dirs = options.pop("loader").searchpath
    options["loader"] = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(dirs), jinja2.PackageLoader("nhsuk_frontend_jinja")]
    )
    # The NHS.UK macros rely on chainable undefined values (params.a.b on a missing a).
    options["undefined"] = jinja2.ChainableUndefined
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = jinja2.Environment(**options)  # noqa: S701 - autoescape is set by Django's backend
    env.globals.update({"static": static, "url": url, "get_messages": get_messages})
    env.filters["local_datetime"] = local_datetime
    return env
