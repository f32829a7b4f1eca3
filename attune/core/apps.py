from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "attune.core"
    label = "core"
    verbose_name = "Attune core"

    def ready(self) -> None:
        # Registers the deployment checks (attune check --deploy).
        from attune.core import checks  # noqa: F401
