from __future__ import annotations

import datetime
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dxdesk.accounts.actions import ensure_demo_users
from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.grants.models import Applicant, ApplicantMember
from dxdesk.outreach.actions import create_campaign
from dxdesk.outreach.models import Campaign
from dxdesk.programs.actions import load_program
from dxdesk.programs.definition import load_definition
from dxdesk.programs.models import Track
from dxdesk.registry.actions import import_companies
from dxdesk.registry.importing import read_table
from dxdesk.registry.models import Company
from dxdesk.registry.synthetic import generate_companies, write_csv


class Command(BaseCommand):
    help = "Load synthetic demo data and one demo user per role; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--companies", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("load_demo only runs in demo mode (DXDESK_ENV=demo or development)")
        demo_dir = Path(settings.VAR_DIR) / "demo"
        demo_dir.mkdir(parents=True, exist_ok=True)
        self._load_programmes()
        self._load_companies(demo_dir, options["companies"], options["seed"])
        self._start_campaign()
        self._print_logins(demo_dir)
        self._link_demo_applicant()

    def _load_programmes(self) -> None:
        paths = sorted((Path(settings.BASE_DIR) / "programmes").glob("*.toml"))
        # The demo's own programme, whose made-up values keep grant intake open.
        paths.append(Path(__file__).resolve().parents[2] / "programmes" / "demo-dx-grant.toml")
        for path in paths:
            outcome = load_program(load_definition(path))
            self.stdout.write(f"事業定義: {outcome.program.code} ({outcome.status})")

    def _link_demo_applicant(self) -> None:
        """The demo applicant acts for one company of the demo list."""
        user = User.objects.get(email=f"{Role.APPLICANT}@demo.dxdesk.example")
        if ApplicantMember.objects.filter(user=user).exists():
            return
        company = Company.objects.exclude(corporate_number="").order_by("pk").first()
        if company is None:
            return
        applicant = Applicant.objects.create(
            name=company.name, corporate_number=company.corporate_number, company=company
        )
        ApplicantMember.objects.create(user=user, applicant=applicant, is_manager=True)
        self.stdout.write(f"申請者デモ: {user.email} は {company.name} の申請者です")

    def _load_companies(self, demo_dir: Path, count: int, seed: int) -> None:
        if Company.objects.exists():
            self.stdout.write(f"企業台帳: {Company.objects.count():,} 社（読み込み済み）")
            return
        path = demo_dir / "call-list.csv"
        write_csv(generate_companies(count, seed=seed), path)
        summary = import_companies(read_table(path))
        self.stdout.write(
            f"企業台帳: {summary.created:,} 社を読み込みました（不採用 {summary.rejected:,} 行）"
        )

    def _start_campaign(self) -> None:
        """A call campaign over the demo list, so operators find work at the call desk."""
        if Campaign.objects.exists():
            return
        track = Track.objects.get(program__code="sapporo-dx-2026", kind="outreach")
        today = timezone.localdate()
        campaign = create_campaign(
            track=track,
            title="デモ架電キャンペーン",
            starts_on=today,
            ends_on=today + datetime.timedelta(days=90),
            companies=Company.objects.all(),
            by=None,
            source_note="make demo",
        )
        self.stdout.write(f"架電キャンペーン: {campaign.title}（{campaign.tasks.count():,} 社）")

    def _print_logins(self, demo_dir: Path) -> None:
        password_file = demo_dir / "password.txt"
        is_new = not password_file.exists()
        if is_new:
            password = secrets.token_urlsafe(12)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        else:
            password = password_file.read_text().strip()
        ensure_demo_users(password, reset_passwords=is_new)
        users = User.objects.filter(email__endswith="@demo.dxdesk.example").order_by("email")
        self.stdout.write("")
        self.stdout.write(
            "デモ用ログイン（パスワードは全員共通）: http://127.0.0.1:8000/accounts/sign-in/"
        )
        for role in Role.values:
            for user in users:
                if user.email.startswith(f"{role}@"):
                    self.stdout.write(f"  {Role(role).label:<16} {user.email}")
        self.stdout.write(f"  パスワード: {password}")
        self.stdout.write("")
