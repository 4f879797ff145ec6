from __future__ import annotations

from django.urls import path

from dxdesk.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("<slug:code>/", views.program_detail, name="program_detail"),
]
