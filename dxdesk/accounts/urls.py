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
]
