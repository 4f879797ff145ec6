from __future__ import annotations

from django.contrib import admin

from dxdesk.files.models import StoredFile
from dxdesk.lib.admin import ReadOnlyAdmin

# Files come and go only through store_upload and erase_stored; the admin site shows
# them and never serves their content (only views that check access do).


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ["id", "original_name", "kind", "size", "created_at", "created_by"]
    list_filter = ["kind"]
    list_select_related = ["created_by"]
    search_fields = ["original_name", "sha256", "storage_name"]
    date_hierarchy = "created_at"
