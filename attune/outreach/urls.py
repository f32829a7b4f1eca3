from django.urls import path

from attune.outreach import activity_views, training_views, views

app_name = "outreach"

urlpatterns = [
    path("", views.home, name="home"),
    # Consultation
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/new/", views.consultation_new, name="consultation_new"),
    path("consultations/<int:consultation_id>/", views.consultation_detail, name="consultation"),
    path(
        "consultations/<int:consultation_id>/edit/",
        views.consultation_edit,
        name="consultation_edit",
    ),
    path(
        "consultations/<int:consultation_id>/refer/",
        views.consultation_refer,
        name="consultation_refer",
    ),
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<int:consultation_group_id>/", views.group_detail, name="group"),
    path(
        "groups/<int:consultation_group_id>/members/",
        views.group_member_add,
        name="group_member_add",
    ),
    path(
        "groups/<int:consultation_group_id>/members/<int:member_id>/leave/",
        views.group_member_leave,
        name="group_member_leave",
    ),
    path(
        "groups/<int:consultation_group_id>/meetings/new/",
        views.group_meeting_new,
        name="group_meeting_new",
    ),
    # Workforce training
    path("training/", training_views.courses, name="courses"),
    path("training/new/", training_views.course_new, name="course_new"),
    path("training/<int:course_id>/", training_views.course_detail, name="course"),
    path("training/<int:course_id>/edit/", training_views.course_edit, name="course_edit"),
    path("training/<int:course_id>/attendees/", training_views.attendee_add, name="attendee_add"),
    path("training/<int:course_id>/attendance/", training_views.attendance, name="attendance"),
    path(
        "training/attendees/<int:attendee_id>/feedback/",
        training_views.feedback,
        name="feedback",
    ),
    path(
        "training/attendees/<int:attendee_id>/certificate/",
        training_views.certificate,
        name="certificate",
    ),
    # Outreach and joint working
    path("activities/", activity_views.activities, name="activities"),
    path("activities/new/", activity_views.activity_new, name="activity_new"),
    path("activities/<int:activity_id>/edit/", activity_views.activity_edit, name="activity_edit"),
]
