"""Reach and equity: the report, and the team's local figures (included at /reports/reach/)."""

from django.urls import path

from attune.reporting import reach_views

app_name = "reporting_reach"

urlpatterns = [
    path("", reach_views.reach, name="reach"),
    path("baseline/", reach_views.baseline, name="baseline"),
    path("deprivation/", reach_views.deprivation, name="deprivation"),
]
