from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "attune.groups"
    label = "groups"
    verbose_name = "Group programmes"
