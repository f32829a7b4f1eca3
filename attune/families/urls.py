from django.urls import path

from attune.families import views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("<int:family_id>/", views.family_detail, name="detail"),
    path("<int:family_id>/add-person/", views.person_add, name="person_add"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
]
