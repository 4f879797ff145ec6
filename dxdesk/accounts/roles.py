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
    Role.DESK: {
        "registry.view_company",
        "registry.view_contact",
        "grants.view_application",
        "grants.add_application",
    },
    Role.COACH: {"registry.view_company", "registry.view_contact"},
    Role.REVIEWER: {
        "registry.view_company",
        "registry.view_contact",
        "registry.view_duplicatecandidate",
        "registry.view_companymerge",
        "grants.view_application",
    },
    Role.FINANCE: {"registry.view_company", "registry.view_contact", "grants.view_application"},
    Role.SUPERVISOR: {
        "registry.view_company",
        "registry.add_company",
        "registry.change_company",
        "registry.view_contact",
        "registry.add_contact",
        "registry.change_contact",
        "registry.add_importjob",
        "registry.view_importjob",
        "registry.view_duplicatecandidate",
        "registry.change_duplicatecandidate",
        "registry.view_companymerge",
        "registry.add_companymerge",
        "registry.change_companymerge",
        "audit.view_auditevent",
        "reporting.view_monthlyprivacyreport",
        "reporting.add_monthlyprivacyreport",
        "reporting.change_monthlyprivacyreport",
        "outreach.view_campaign",
        "outreach.add_campaign",
        "outreach.view_calltask",
        "outreach.change_calltask",
        "outreach.view_callattempt",
        "outreach.add_callattempt",
        "outreach.view_exportjob",
        "outreach.add_exportjob",
        "grants.view_application",
        "grants.add_application",
    },
    Role.CLIENT: {
        "registry.view_company",
        "registry.view_contact",
        "audit.view_auditevent",
        "reporting.view_monthlyprivacyreport",
        "outreach.view_campaign",
        "outreach.view_calltask",
        "outreach.view_callattempt",
        "outreach.view_exportjob",
        "outreach.add_exportjob",
        "grants.view_application",
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
        "registry.view_duplicatecandidate",
        "registry.change_duplicatecandidate",
        "registry.view_companymerge",
        "registry.add_companymerge",
        "registry.change_companymerge",
        "audit.view_auditevent",
        "reporting.view_monthlyprivacyreport",
        "outreach.view_campaign",
        "outreach.add_campaign",
        "outreach.view_calltask",
        "outreach.view_callattempt",
        "outreach.view_exportjob",
        "outreach.add_exportjob",
        "grants.view_application",
        "grants.add_application",
    },
}


# Field-level least privilege (R-SEC-1): data of these kinds is opened only by these
# roles; everyone else sees that it exists, masked. Programme files mark which of their
# attachments and fields are of which kind (`restricted = "tax"`).
RESTRICTED_DATA: dict[str, frozenset[str]] = {
    "tax": frozenset({Role.REVIEWER, Role.SUPERVISOR}),
    "anti_social_forces": frozenset({Role.REVIEWER, Role.SUPERVISOR}),
    "bank": frozenset({Role.FINANCE, Role.SUPERVISOR}),
}


def may_open(user: object, kind: str) -> bool:
    """Whether a staff user may open data of a restricted `kind` ("" is not restricted)."""
    if not kind:
        return True
    allowed = RESTRICTED_DATA.get(kind, frozenset())
    return bool(getattr(user, "has_role", lambda *roles: False)(*allowed))


def shows_in_full(user: object, kind: str, *, own: bool) -> bool:
    """Whether restricted data of `kind` is shown to `user` in full, rather than masked.

    The one rule for every page, form and download that shows an application's answers
    or attachments: the applicant (`own`, its own application) always sees everything;
    staff see a restricted kind only when RESTRICTED_DATA gives it to their role.
    """
    return own or may_open(user, kind)
