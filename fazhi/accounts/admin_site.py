"""The Django admin is for reference data and only superusers may enter it.

Business-data admin pages are not scoped by `scoped()`, so a staff user with an agency scope could
read other agencies' records there (ACC-2). Production has no superusers (AUTH-1), so the admin is
effectively closed; business users work through the scoped views.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)
