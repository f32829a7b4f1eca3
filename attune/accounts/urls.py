from django.urls import path

from attune.accounts import team_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/verify/", views.mfa_verify, name="mfa_verify"),
    path("sign-in/set-up-authenticator/", views.mfa_setup, name="mfa_setup"),
    path("sign-out/", views.sign_out, name="logout"),
    path("security/", views.account_security, name="security"),
    path("ping/", views.ping, name="ping"),
    path("team/", views.switch_team, name="switch_team"),
    path("team-members/", team_views.team_members, name="team_members"),
    path(
        "team-members/<int:membership_id>/triage/",
        team_views.delegate_triage,
        name="delegate_triage",
    ),
]
