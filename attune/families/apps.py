from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "attune.families"
    label = "families"
    verbose_name = "Families, babies and carers"
