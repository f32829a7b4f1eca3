from django.urls import path

from attune.measures import public_views, team_views, views

app_name = "measures"

urlpatterns = [
    path("episodes/<int:episode_id>/", views.episode_measures, name="episode"),
    path("episodes/<int:episode_id>/record/", views.record_measure, name="record"),
    path("episodes/<int:episode_id>/send/", views.send_link, name="send_link"),
    path("families/<int:family_id>/", views.family_measures, name="family"),
    path(
        "administrations/<int:administration_id>/",
        views.administration_detail,
        name="administration",
    ),
    path("links/<int:link_id>/withdraw/", views.withdraw_link, name="link_withdraw"),
    path("risk/", views.risk_flags, name="risk_flags"),
    path("risk/<int:flag_id>/", views.risk_flag, name="risk_flag"),
    path("instruments/", team_views.instruments, name="instruments"),
    path("schedule/", team_views.schedule, name="schedule"),
    path("schedule/<int:schedule_id>/remove/", team_views.schedule_remove, name="schedule_remove"),
    path("experience/", team_views.experience_summary, name="experience"),
    path("experience/questions/", team_views.experience_questions, name="experience_questions"),
    path(
        "experience/questions/<int:question_id>/retire/",
        team_views.experience_question_retire,
        name="experience_question_retire",
    ),
    path(
        "referrals/<int:referral_id>/feedback/",
        team_views.referrer_feedback,
        name="referrer_feedback",
    ),
    # A parent's one-time link: no sign-in (see public_views).
    path("q/done/", public_views.answer_done, name="answer_done"),
    path("q/<str:token>/", public_views.answer, name="answer"),
]
