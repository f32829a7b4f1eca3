from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "attune.reporting"
    label = "reporting"
    verbose_name = "Reports"
