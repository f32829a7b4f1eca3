from django.contrib import admin

from attune.accounts.admin import AuditedAdmin
from attune.families.models import AgeRules


@admin.register(AgeRules)
class AgeRulesAdmin(AuditedAdmin):
    """Each team's age range and how early to warn that a baby will age out."""

    list_display = ["team", "upper_age_months", "includes_pregnancy", "age_out_warning_weeks"]
    fields = ["team", "upper_age_months", "includes_pregnancy", "age_out_warning_weeks"]
