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
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:candidate_id>/", views.duplicate_detail, name="duplicate_detail"),
    path("duplicates/<int:candidate_id>/merge/", views.duplicate_merge, name="duplicate_merge"),
    path(
        "duplicates/<int:candidate_id>/not-same/",
        views.duplicate_not_same,
        name="duplicate_not_same",
    ),
    path("duplicates/merges/", views.merge_list, name="merge_list"),
    path("duplicates/merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
]
