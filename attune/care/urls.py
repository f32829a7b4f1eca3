from django.urls import path

from attune.care import (
    pathway_views,
    record_views,
    session_views,
    supervision_views,
    toolbox_views,
    video_views,
    views,
)

app_name = "care"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("allocate/<int:referral_id>/", views.allocate, name="allocate"),
    path("episodes/<int:episode_id>/", views.episode_detail, name="episode"),
    path("supervision/", supervision_views.supervision_list, name="supervision_list"),
    path("supervision/new/", supervision_views.supervision_new, name="supervision_new"),
    path(
        "supervision/<int:supervision_id>/",
        supervision_views.supervision_detail,
        name="supervision",
    ),
    path("episodes/<int:episode_id>/videos/", video_views.episode_videos, name="videos"),
    path("episodes/<int:episode_id>/videos/add/", video_views.video_upload, name="video_upload"),
    path("videos/<int:video_id>/", video_views.video_detail, name="video"),
    path("videos/<int:video_id>/play/", video_views.video_stream, name="video_stream"),
    path("videos/<int:video_id>/moments/", video_views.video_moment_add, name="video_moment_add"),
    path("episodes/<int:episode_id>/notes/", record_views.notes, name="notes"),
    path("episodes/<int:episode_id>/notes/new/", record_views.note_add, name="note_add"),
    path("notes/<int:note_id>/addendum/", record_views.note_addendum, name="note_addendum"),
    path("episodes/<int:episode_id>/chronology/", record_views.chronology, name="chronology"),
    path("episodes/<int:episode_id>/safeguarding/", record_views.concerns, name="concerns"),
    path(
        "episodes/<int:episode_id>/safeguarding/new/",
        record_views.concern_add,
        name="concern_add",
    ),
    path("safeguarding/<int:concern_id>/", record_views.concern_detail, name="concern"),
    path(
        "safeguarding/<int:concern_id>/escalate/",
        record_views.concern_escalate,
        name="concern_escalate",
    ),
    path(
        "safeguarding/<int:concern_id>/outcome/",
        record_views.concern_outcome,
        name="concern_outcome",
    ),
    path("episodes/<int:episode_id>/engagement/", pathway_views.engagement_page, name="engagement"),
    path("episodes/<int:episode_id>/phase/", pathway_views.phase, name="phase"),
    path("episodes/<int:episode_id>/assessment/", pathway_views.assessment_page, name="assessment"),
    path(
        "episodes/<int:episode_id>/assessment/edit/",
        pathway_views.assessment_edit,
        name="assessment_edit",
    ),
    path(
        "episodes/<int:episode_id>/assessment/complete/",
        pathway_views.assessment_complete,
        name="assessment_complete",
    ),
    path("episodes/<int:episode_id>/goals/add/", pathway_views.goal_add, name="goal_add"),
    path("episodes/<int:episode_id>/package/", pathway_views.package_page, name="package"),
    path(
        "episodes/<int:episode_id>/package/items/add/",
        pathway_views.package_item_add,
        name="package_item_add",
    ),
    path(
        "episodes/<int:episode_id>/package/items/<int:package_item_id>/",
        pathway_views.package_item_edit,
        name="package_item_edit",
    ),
    path(
        "episodes/<int:episode_id>/package/reviews/add/",
        pathway_views.package_review_add,
        name="package_review_add",
    ),
    path("episodes/<int:episode_id>/onward/add/", pathway_views.onward_add, name="onward_add"),
    path(
        "episodes/<int:episode_id>/onward/<int:onward_referral_id>/",
        pathway_views.onward_update,
        name="onward_update",
    ),
    path("interventions/", pathway_views.interventions, name="interventions"),
    path("interventions/offer/", toolbox_views.offer_entry, name="toolbox_offer"),
    path(
        "episodes/<int:episode_id>/package/suggestions/",
        toolbox_views.suggestions,
        name="suggestions",
    ),
    path(
        "episodes/<int:episode_id>/package/items/<int:package_item_id>/fidelity/",
        toolbox_views.fidelity_review,
        name="fidelity_review",
    ),
    path(
        "interventions/<int:intervention_option_id>/active/",
        pathway_views.intervention_toggle,
        name="intervention_toggle",
    ),
    path("episodes/<int:episode_id>/ending/", pathway_views.ending_page, name="ending"),
    path(
        "episodes/<int:episode_id>/ending/waive-measures/",
        pathway_views.end_measures_waive,
        name="end_measures_waive",
    ),
    path("episodes/<int:episode_id>/ending/follow-up/", pathway_views.follow_up, name="follow_up"),
    path(
        "episodes/<int:episode_id>/closing-letter/",
        pathway_views.closing_letter,
        name="closing_letter",
    ),
    path(
        "episodes/<int:episode_id>/sessions/book/", session_views.book_sessions, name="session_book"
    ),
    path("episodes/<int:episode_id>/contacts/", session_views.episode_contacts, name="contacts"),
    path("contacts/<int:contact_id>/", session_views.contact_record, name="contact"),
    path("contacts/<int:contact_id>/move/", session_views.contact_move, name="contact_move"),
    path("contacts/<int:contact_id>/cancel/", session_views.contact_cancel, name="contact_cancel"),
    path("series/<int:series_id>/end/", session_views.series_end, name="series_end"),
    path("rooms/", session_views.rooms, name="rooms"),
    path("diary/", session_views.diary, name="diary"),
    path("calendar/", session_views.calendar, name="calendar"),
    path("calendar/new/", session_views.calendar_create, name="calendar_create"),
    path("calendar/<int:feed_id>/revoke/", session_views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:feed_token>.ics", session_views.calendar_feed_ics, name="calendar_feed"),
]
