"""The notification layer: email and text messages, each behind one function.

Messages go after the surrounding transaction commits, so a rolled-back change
never sends anything. Development prints to the console; tests use Django's
in-memory outbox (both set by the MAILERS setting).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction


def send_email_after_commit(*, to: str, subject: str, body: str) -> None:
    if not to or not settings.ATTUNE_SEND_EMAIL:
        return

    def send() -> None:
        EmailMessage(subject=subject, body=body, to=[to]).send()

    # robust: a mail server failure must not turn a saved referral into an error page.
    transaction.on_commit(send, robust=True)


# Text messages -------------------------------------------------------------------------
# No SMS provider is wired in yet (GOV.UK Notify would be the natural one): development
# prints texts to the console, tests keep them in TEXT_OUTBOX, and production sends none
# until ATTUNE_TEXT_BACKEND names a real backend. ``texts_can_be_sent`` tells the pages.


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


TEXT_OUTBOX: list[TextMessage] = []


def texts_can_be_sent() -> bool:
    return bool(settings.ATTUNE_SEND_TEXTS) and settings.ATTUNE_TEXT_BACKEND in {
        "console",
        "memory",
    }


def _deliver_text(message: TextMessage) -> None:
    if settings.ATTUNE_TEXT_BACKEND == "memory":
        TEXT_OUTBOX.append(message)
    elif settings.ATTUNE_TEXT_BACKEND == "console":
        # The console backend is for development only: the body holds a one-time link.
        print(f"Text message to {message.to}:\n{message.body}\n", flush=True)


def send_text_after_commit(*, to: str, body: str) -> None:
    """Send a text once the surrounding transaction commits (never for a rolled-back change)."""
    if not to or not texts_can_be_sent():
        return
    message = TextMessage(to=to, body=body)
    transaction.on_commit(lambda: _deliver_text(message), robust=True)
