from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "attune.outreach"
    label = "outreach"
    verbose_name = "Consultation, training and outreach"
