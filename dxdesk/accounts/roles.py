"""The roles of the secretariat and what each may do.

Each role is a Django group of the same name. Views declare the roles that may
use them (see `dxdesk.accounts.access`); model permissions given to each group
here drive the admin and field-level rules.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("架電オペレーター")
    DESK = "desk", _("問い合わせ窓口")
    COACH = "coach", _("伴走支援者・専門家")
    REVIEWER = "reviewer", _("審査担当")
    FINANCE = "finance", _("経理")
    SUPERVISOR = "supervisor", _("統括責任者")
    CLIENT = "client", _("委託者（閲覧）")
    APPLICANT = "applicant", _("申請者")
    ADMIN = "admin", _("システム管理者")


STAFF_ROLES: frozenset[str] = frozenset(
    {
        Role.OPERATOR,
        Role.DESK,
        Role.COACH,
        Role.REVIEWER,
        Role.FINANCE,
        Role.SUPERVISOR,
        Role.CLIENT,
        Role.ADMIN,
    }
)

# Model permissions per role, as "app_label.codename". Later apps add theirs here so
# one table shows who may do what.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.OPERATOR: {
        "registry.view_company",
        "registry.view_contact",
        "outreach.view_campaign",
        "outreach.view_calltask",
        "outreach.add_callattempt",
    },
    Role.DESK: {"registry.view_company", "registry.view_contact"},
    Role.COACH: {"registry.view_company", "registry.view_contact"},
    Role.REVIEWER: {"registry.view_company", "registry.view_contact"},
    Role.FINANCE: {"registry.view_company", "registry.view_contact"},
    Role.SUPERVISOR: {
        "registry.view_company",
        "registry.add_company",
        "registry.change_company",
        "registry.view_contact",
        "registry.add_contact",
        "registry.change_contact",
        "registry.add_importjob",
        "registry.view_importjob",
        "audit.view_auditevent",
        "outreach.view_campaign",
        "outreach.add_campaign",
        "outreach.view_calltask",
        "outreach.change_calltask",
        "outreach.view_callattempt",
        "outreach.add_callattempt",
        "outreach.view_exportjob",
        "outreach.add_exportjob",
    },
    Role.CLIENT: {
        "registry.view_company",
        "registry.view_contact",
        "audit.view_auditevent",
        "outreach.view_campaign",
        "outreach.view_calltask",
        "outreach.view_callattempt",
        "outreach.view_exportjob",
        "outreach.add_exportjob",
    },
    Role.APPLICANT: set(),
    Role.ADMIN: {
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "registry.view_company",
        "registry.add_company",
        "registry.change_company",
        "registry.view_contact",
        "registry.add_importjob",
        "registry.view_importjob",
        "audit.view_auditevent",
        "outreach.view_campaign",
        "outreach.add_campaign",
        "outreach.view_calltask",
        "outreach.view_callattempt",
        "outreach.view_exportjob",
        "outreach.add_exportjob",
    },
}
