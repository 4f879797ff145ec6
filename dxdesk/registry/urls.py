from __future__ import annotations

from django.urls import path

from dxdesk.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.company_list, name="company_list"),
    path("new/", views.company_edit, name="company_create"),
    path("<int:company_id>/", views.company_detail, name="company_detail"),
    path("<int:company_id>/edit/", views.company_edit, name="company_edit"),
    path("<int:company_id>/contacts/new/", views.contact_add, name="contact_add"),
    path("import/", views.import_start, name="import_start"),
    path("import/<int:job_id>/", views.import_status, name="import_status"),
    path("import/<int:job_id>/report.csv", views.import_report, name="import_report"),
]
