from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from dxdesk.accounts.access import public


@public
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@public
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    return django_set_language(request)
