from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import ROLE_PERMISSIONS, Role


def sync_role_groups(*, using: str = "default") -> None:
    """Create one group per role and give it exactly the permissions of roles.py."""
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name: dict[str, Permission] = {}
    for permission in Permission.objects.using(using).select_related("content_type"):
        name = f"{permission.content_type.app_label}.{permission.codename}"
        if name in wanted:
            by_name[name] = permission
    with transaction.atomic(using=using):
        for role in Role.values:
            group, _created = Group.objects.using(using).get_or_create(name=role)
            perms = [by_name[name] for name in ROLE_PERMISSIONS.get(role, set()) if name in by_name]
            group.permissions.set(perms)


def ensure_demo_users(
    password: str, *, reset_passwords: bool = False
) -> list[tuple[str, str, User]]:
    """One demo user per role; returns (role, email, user) for those created now.

    `reset_passwords` gives existing demo users `password` too (the demo's password
    file was lost).
    """
    created: list[tuple[str, str, User]] = []
    with transaction.atomic():
        for role in Role.values:
            email = f"{role}@demo.dxdesk.example"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email,
                    password,
                    full_name=f"デモ {Role(role).label}",
                    is_staff=role == Role.ADMIN,
                    is_superuser=role == Role.ADMIN,
                )
                user.set_roles([role])
                created.append((role, email, user))
            elif reset_passwords:
                user.set_password(password)
                user.save(update_fields=["password"])
    return created
