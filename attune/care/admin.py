from django.contrib import admin

from attune.accounts.admin import AuditedAdmin
from attune.care.models import CareSettings


@admin.register(CareSettings)
class CareSettingsAdmin(AuditedAdmin):
    """Each team's caseload thresholds, video retention and follow-up interval."""

    list_display = [
        "team",
        "engagement_attempts_before_flag",
        "days_without_contact_flag",
        "video_retention_days",
    ]
    fields = [
        "team",
        "engagement_attempts_before_flag",
        "days_without_contact_flag",
        "video_retention_days",
        "follow_up_months",
    ]
