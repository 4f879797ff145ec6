from __future__ import annotations

from django.urls import path

from dxdesk.grants import staff_views, views

app_name = "grants"
mine = "my/applications/<int:application_id>/"
staff = "staff/applications/<int:application_id>/"
urlpatterns = [
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/sign-up/", views.sign_up, name="sign_up"),
    path("grants/sign-up/sent/", views.sign_up_sent, name="sign_up_sent"),
    path("grants/verify/<str:uidb64>/<str:token>/", views.verify_email, name="verify_email"),
    path(
        "grants/invitation/<str:uidb64>/<str:token>/",
        views.accept_invitation,
        name="accept_invitation",
    ),
    path("my/", views.my_page, name="my_page"),
    path("my/members/", views.members, name="members"),
    path("my/start/<int:track_id>/", views.start, name="start"),
    path(mine, views.detail, name="detail"),
    path(mine + "edit/", views.edit, name="edit"),
    path(mine + "attachments/", views.upload, name="upload"),
    path(mine + "attachments/<int:attachment_id>/", views.download, name="download"),
    path(
        mine + "attachments/<int:attachment_id>/remove/",
        views.remove_attachment,
        name="remove_attachment",
    ),
    path(mine + "confirm/", views.confirm, name="confirm"),
    path(mine + "submit/", views.submit, name="submit"),
    path(mine + "withdraw/", views.withdraw, name="withdraw"),
    path(mine + "messages/", views.message, name="message"),
    path("staff/applications/", staff_views.application_list, name="staff_list"),
    path("staff/applications/key-in/<int:company_id>/", staff_views.key_in, name="staff_key_in"),
    path(staff, staff_views.detail, name="staff_detail"),
    path(staff + "edit/", staff_views.edit, name="staff_edit"),
    path(staff + "attachments/", staff_views.upload, name="staff_upload"),
    path(staff + "attachments/<int:attachment_id>/", staff_views.download, name="staff_download"),
    path(
        staff + "attachments/<int:attachment_id>/remove/",
        staff_views.remove_attachment,
        name="staff_remove_attachment",
    ),
    path(staff + "confirm/", staff_views.confirm, name="staff_confirm"),
    path(staff + "submit/", staff_views.submit, name="staff_submit"),
    path(staff + "withdraw/", staff_views.withdraw, name="staff_withdraw"),
    path(staff + "messages/", staff_views.message, name="staff_message"),
]
