from django.contrib import admin
from django.urls import include, path

from attune.accounts import views as account_views
from attune.core import views as core_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("accounts/", include("attune.accounts.urls")),
    path("audit/", include("attune.accounts.audit_urls")),
    path("families/", include("attune.families.urls")),
    path("referrals/", include("attune.referrals.urls")),
    path("care/", include("attune.care.urls")),
    path("measures/", include("attune.measures.urls")),
    path("directory/", include("attune.catalogue.urls")),
    path("groups/", include("attune.groups.urls")),
    path("outreach/", include("attune.outreach.urls")),
    path("reports/theory/", include("attune.reporting.theory_urls")),
    path("reports/reach/", include("attune.reporting.reach_urls")),
    path("reports/", include("attune.reporting.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "attune.core.views.bad_request"
handler403 = "attune.core.views.permission_denied"
handler404 = "attune.core.views.page_not_found"
handler500 = "attune.core.views.server_error"
