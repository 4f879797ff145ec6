"""The admin site lists stored files and changes none of them."""

from __future__ import annotations

import pytest

from dxdesk.accounts.roles import Role
from dxdesk.files.storage import store_upload
from dxdesk.files.tests import samples
from dxdesk.files.tests.samples import upload
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def test_it_lists_stored_files_read_only() -> None:
    admin = make_user(Role.ADMIN, is_staff=True, is_superuser=True)
    stored = store_upload(upload("決算書.pdf", samples.pdf()), by=admin)
    client = client_for(admin)
    listing = client.get("/admin/files/storedfile/")
    assert listing.status_code == 200
    assert "決算書.pdf" in listing.content.decode()
    assert client.get("/admin/files/storedfile/add/").status_code == 403
    page = client.get(f"/admin/files/storedfile/{stored.pk}/change/")
    assert page.status_code == 200
    assert 'name="original_name"' not in page.content.decode()
    deleting = client.post(f"/admin/files/storedfile/{stored.pk}/delete/", {"post": "yes"})
    assert deleting.status_code == 403
    assert stored.path.exists()
