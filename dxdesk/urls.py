from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from dxdesk.accounts.views import staff_home

urlpatterns = [
    path("", include("dxdesk.portal.urls")),
    path("accounts/", include("dxdesk.accounts.urls")),
    path("staff/", staff_home, name="staff_home"),
    path("staff/companies/", include("dxdesk.registry.urls")),
    path("staff/programmes/", include("dxdesk.programs.urls")),
    path("staff/audit/", include("dxdesk.audit.urls")),
    path("staff/outreach/", include("dxdesk.outreach.urls")),
    path("staff/reports/", include("dxdesk.reporting.urls")),
    path("", include("dxdesk.grants.urls")),
    path("admin/", admin.site.urls),
]
