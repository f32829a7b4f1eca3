"""The notification layer: email now (GOV.UK Notify or SMS later) behind one function.

Messages go after the surrounding transaction commits, so a rolled-back change
never sends anything. Development prints to the console; tests use Django's
in-memory outbox (both set by the MAILERS setting).
"""

from __future__ import annotations

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
