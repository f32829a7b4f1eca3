from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "attune.referrals"
    label = "referrals"
    verbose_name = "Referrals, triage and the waiting list"
