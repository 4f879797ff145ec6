from __future__ import annotations

from django.urls import path

from dxdesk.reporting import views

app_name = "reporting"
urlpatterns = [
    path("privacy/", views.privacy_report_list, name="privacy_reports"),
    path("privacy/<int:year>/<int:month>/", views.privacy_report_detail, name="privacy_report"),
    path(
        "privacy/<int:year>/<int:month>/answers/",
        views.privacy_report_answers,
        name="privacy_answers",
    ),
    path(
        "privacy/<int:year>/<int:month>/generate/",
        views.privacy_report_generate,
        name="privacy_generate",
    ),
    path(
        "privacy/<int:year>/<int:month>/report.pdf",
        views.privacy_report_pdf,
        name="privacy_pdf",
    ),
    path(
        "privacy/<int:year>/<int:month>/report.xlsx",
        views.privacy_report_xlsx,
        name="privacy_xlsx",
    ),
]
