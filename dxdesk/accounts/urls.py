from __future__ import annotations

from django.urls import path

from dxdesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/code/", views.otp_verify, name="otp_verify"),
    path("sign-in/authenticator/", views.otp_enrol, name="otp_enrol"),
    path("sign-out/", views.sign_out, name="logout"),
    path("home/", views.home, name="home"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
]
