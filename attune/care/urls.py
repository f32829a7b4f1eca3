from django.urls import path

from attune.care import views

app_name = "care"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("allocate/<int:referral_id>/", views.allocate, name="allocate"),
    path("episodes/<int:episode_id>/", views.episode_detail, name="episode"),
]
