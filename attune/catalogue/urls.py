from django.urls import path

from attune.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("compare/", views.compare, name="compare"),
    path("self-assessments/", views.assessments, name="assessments"),
    path("self-assessments/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path("training/", views.training, name="training"),
    path("training/<int:training_id>/remove/", views.training_remove, name="training_remove"),
    path("<slug:slug>/", views.entry_page, name="entry"),
    path("<slug:slug>/edit/", views.entry_edit, name="entry_edit"),
    path("<slug:slug>/history/", views.entry_history, name="entry_history"),
    path("<slug:slug>/self-assessment/", views.assessment_new, name="assessment_new"),
]
