from __future__ import annotations

from django.urls import path

from dxdesk.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("<int:campaign_id>/calls/", views.call_desk, name="call_desk"),
    path("<int:campaign_id>/calls/next/", views.next_call, name="next_call"),
    path("<int:campaign_id>/log/", views.call_log, name="call_log"),
    path("<int:campaign_id>/results.csv", views.export_csv, name="export_csv"),
    path("<int:campaign_id>/exports/", views.export_list, name="export_list"),
    path("calls/<int:task_id>/", views.call_screen_view, name="call_screen"),
    path("calls/<int:task_id>/log/", views.call_log_save, name="call_log_save"),
    path("calls/<int:task_id>/release/", views.call_release, name="call_release"),
    path("exports/<int:job_id>/", views.export_status, name="export_status"),
    path("exports/<int:job_id>/download/", views.export_download, name="export_download"),
]
