"""The system administrator's screens. Every save goes through an audited service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.http import HttpRequest

from attune.accounts import views
from attune.accounts.models import Membership, Organisation, Team, User
from attune.audit.services import record

admin.site.site_header = "Attune system administration"
admin.site.site_title = "Attune"
admin.site.login = views.admin_sign_in  # type: ignore[method-assign]


class AuditedAdmin(admin.ModelAdmin):
    """Admin saves and deletes write an audit event in the same transaction."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            action = "changed" if change else "created"
            changed = sorted(form.changed_data) if form is not None else []
            record(
                f"admin.{obj._meta.model_name}.{action}",
                actor=request.user,
                obj=obj,
                details={"fields": changed},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record(f"admin.{obj._meta.model_name}.deleted", actor=request.user, obj=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                record(f"admin.{obj._meta.model_name}.deleted", actor=request.user, obj=obj)
            super().delete_queryset(request, queryset)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["team", "role", "is_active"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_demo"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("Attune", {"fields": ["is_demo"]}),
    )
    inlines = [MembershipInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.has_changed():
                record("admin.membership.changed", actor=request.user, obj=form.instance)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "ods_code"]
    fields = ["name", "kind", "ods_code"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "organisation", "is_active"]
    list_filter = ["organisation"]
    fields = ["organisation", "name", "is_active"]
