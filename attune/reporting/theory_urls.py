from django.urls import path

from attune.reporting import theory_views

app_name = "reporting_theory"

urlpatterns = [
    path("", theory_views.theory, name="theory"),
    path("start/", theory_views.start, name="start"),
    path("edit/", theory_views.edit, name="edit"),
    path("outcomes/new/", theory_views.outcome_new, name="outcome_new"),
    path("outcomes/<int:outcome_id>/", theory_views.outcome_edit, name="outcome_edit"),
    path("outcomes/<int:outcome_id>/remove/", theory_views.outcome_remove, name="outcome_remove"),
]
