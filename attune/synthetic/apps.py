from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "attune.synthetic"
    label = "synthetic"
    verbose_name = "Demo and synthetic data"
