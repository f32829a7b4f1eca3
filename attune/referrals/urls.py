from django.urls import path

from attune.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("yours/", views.my_referrals, name="mine"),
    path("waiting-list/", views.waiting_list, name="waiting_list"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/sent/", views.referral_submitted, name="submitted"),
    path("<int:referral_id>/triage/", views.referral_triage, name="triage"),
    path("<int:referral_id>/outcome/", views.outcome_letter, name="letter"),
]
