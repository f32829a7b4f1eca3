from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "attune.catalogue"
    label = "catalogue"
    verbose_name = "Evidence directory"
