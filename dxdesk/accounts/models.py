from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from dxdesk.accounts.roles import STAFF_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        user = self.create_user(email, password, **fields)
        user.set_roles([Role.ADMIN])
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: secretariat staff, client officials and applicants.

    Everyone signs in with an email address. The role is the Django group the user
    belongs to (one of `Role`).
    """

    email = models.EmailField(_("メールアドレス"), unique=True)
    full_name = models.CharField(_("氏名"), max_length=100, blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    # is_staff only opens Django's admin site; the secretariat roles are groups.
    is_staff = models.BooleanField(_("管理サイト"), default=False)
    date_joined = models.DateTimeField(_("登録日時"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")

    def __str__(self) -> str:
        return self.full_name or self.email

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))

    @property
    def is_secretariat(self) -> bool:
        """Staff of the secretariat or the client: may enter the staff area."""
        return bool(self.role_names & STAFF_ROLES)

    @property
    def primary_role(self) -> str | None:
        for role in Role.values:
            if role in self.role_names:
                return role
        return None

    @property
    def primary_role_label(self) -> str:
        role = self.primary_role
        return str(Role(role).label) if role else ""

    def set_roles(self, roles: list[str]) -> None:
        from django.contrib.auth.models import Group

        self.groups.set(Group.objects.filter(name__in=roles))
        self.__dict__.pop("role_names", None)
