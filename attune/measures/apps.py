from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "attune.measures"
    label = "measures"
    verbose_name = "Outcome measures"

    def ready(self) -> None:
        # Care's caseload and ending reminder learn about measures through its extension
        # points (care may not import this app).
        from attune.care import extensions
        from attune.measures import selectors

        extensions.add_caseload_attention(selectors.caseload_attention)
        extensions.add_end_measures_check(selectors.end_measures_recorded)
        # Pages about one questionnaire or risk answer carry the family's safeguarding banner.
        extensions.add_family_url_key("administration_id", selectors.family_of_administration)
        extensions.add_family_url_key("flag_id", selectors.family_of_risk_flag)
