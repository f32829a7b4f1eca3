from django.urls import path

from attune.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("<int:group_id>/", views.group_detail, name="detail"),
    path("<int:group_id>/families/", views.add_family, name="add_family"),
    path(
        "<int:group_id>/families/<int:enrolment_id>/offer/", views.offer_place, name="offer_place"
    ),
    path("<int:group_id>/families/<int:enrolment_id>/leave/", views.leave, name="leave"),
    path("<int:group_id>/notes/", views.group_note, name="group_note"),
    path("<int:group_id>/outcomes/", views.outcomes, name="outcomes"),
    path("sessions/<int:session_id>/", views.register, name="register"),
    path("sessions/<int:session_id>/change/", views.session_edit, name="session_edit"),
    path(
        "sessions/<int:session_id>/families/<int:enrolment_id>/note/",
        views.family_note,
        name="family_note",
    ),
]
