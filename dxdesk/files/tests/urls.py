"""A stand-in for the views of other apps that serve attachments, so that the
response is tested through the whole middleware stack."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path

from dxdesk.accounts.access import signed_in
from dxdesk.files.models import StoredFile
from dxdesk.files.responses import file_response


# access.View is bound to HttpResponse; a FileResponse is a streaming response.
@signed_in  # type: ignore[type-var]
def download(request: HttpRequest, pk: int) -> FileResponse:
    stored = get_object_or_404(StoredFile, pk=pk, created_by=request.user)
    return file_response(stored, as_attachment=request.GET.get("inline") is None)


urlpatterns = [path("attachments/<int:pk>/", download, name="download")]
