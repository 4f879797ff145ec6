from __future__ import annotations

from django.urls import path

from dxdesk.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
]
