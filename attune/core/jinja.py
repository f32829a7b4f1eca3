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


def widget_kind(bound: Any) -> str:
    """Which NHS.UK component renders a Django bound field."""
    widget = bound.field.widget
    name = type(widget).__name__
    kinds = {
        "HiddenInput": "hidden",
        "CheckboxSelectMultiple": "checkboxes",
        "RadioSelect": "radios",
        "Select": "select",
        "Textarea": "textarea",
        "CheckboxInput": "checkbox",
        "DateInput": "date",
        "EmailInput": "email",
        "NumberInput": "number",
    }
    return kinds.get(name, "text")


def choice_items(bound: Any, *, selected_key: str) -> list[dict[str, Any]]:
    """Items for an NHS.UK select, radios or checkboxes, marking the current value(s)."""
    value = bound.value()
    current = (
        {str(v) for v in value}
        if isinstance(value, list | tuple)
        else {str(value if value is not None else "")}
    )
    return [
        {"value": str(choice_value), "text": str(label), selected_key: str(choice_value) in current}
        for choice_value, label in bound.field.choices
    ]


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
    env.globals.update(
        {
            "static": static,
            "url": url,
            "get_messages": get_messages,
            "widget_kind": widget_kind,
            "choice_items": choice_items,
        }
    )
    env.filters["local_datetime"] = local_datetime
    return env
