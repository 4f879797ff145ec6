from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from dxdesk.programs import actions
from dxdesk.programs.definition import load_definition
from dxdesk.programs.models import CountCap, MoneyPool, Program, ProgramRevision, Track
from dxdesk.testing import make_user

PROGRAMMES = Path(__file__).resolve().parents[3] / "programmes"
SAPPORO = PROGRAMMES / "sapporo-dx-2026.toml"
NARA = PROGRAMMES / "nara-diginara-2024.toml"


def run(command: str, *arguments: str) -> tuple[int, str, str]:
    """Run a management command; return its exit status, standard output and error."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command(command, *arguments, stdout=stdout, stderr=stderr)
    except SystemExit as exit:
        return int(exit.code or 0), stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


def edited_copy(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / source.name
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(fragment)


# -- check_program ----------------------------------------------------------------------


def test_check_program_accepts_every_seed_and_lists_its_placeholders() -> None:
    status, stdout, stderr = run("check_program", *map(str, sorted(PROGRAMMES.glob("*.toml"))))
    assert (status, stderr) == (0, "")
    assert stdout.count(" is valid: ") == 5
    ceiling = line_of(
        SAPPORO, 'ceiling_yen = { placeholder = "client to fill: ceiling per company (000 §5(3)'
    )
    assert (
        f"{SAPPORO}:{ceiling}: tracks.topup_grant.formula.ceiling_yen: placeholder: client to fill"
        in stdout
    )


def test_check_program_prints_one_error_per_line_and_exits_with_2(tmp_path: Path) -> None:
    broken = edited_copy(tmp_path, SAPPORO, "per_company = 5", "per_company = 5\nper_comapny = 6")
    broken.write_text(
        broken.read_text(encoding="utf-8").replace('rate = "1/2"', "rate = 0.5"), encoding="utf-8"
    )
    status, stdout, stderr = run("check_program", str(broken))
    assert status == 2
    assert stdout == ""
    assert stderr.splitlines() == [
        f"{broken}:{line_of(broken, 'per_comapny')}: tracks.phase1.sessions.per_comapny: "
        "unknown key; did you mean 'per_company'?",
        f"{broken}:{line_of(broken, 'rate = 0.5')}: tracks.topup_grant.formula.rate: "
        'expected an exact rate between 0 and 1 written as text, like "1/2" or "60%", '
        "found the decimal number 0.5",
    ]
    assert all(re.match(r"^\S+:\d+: [\w.\[\]]+: ", line) for line in stderr.splitlines())


def test_check_program_exits_with_2_for_a_missing_file(tmp_path: Path) -> None:
    status, _stdout, stderr = run("check_program", str(tmp_path / "nowhere.toml"))
    assert status == 2
    assert "nowhere.toml: cannot read" in stderr


def test_check_program_wants_the_file_named_by_its_code(tmp_path: Path) -> None:
    renamed = tmp_path / "sapporo.toml"
    renamed.write_text(SAPPORO.read_text(encoding="utf-8"), encoding="utf-8")
    status, _stdout, stderr = run("check_program", str(renamed))
    assert status == 2
    assert "programme.code: the file is named sapporo.toml; name it sapporo-dx-2026.toml" in stderr


# -- load_program -----------------------------------------------------------------------


@pytest.mark.django_db
def test_load_program_creates_the_programme_its_tracks_caps_and_pools() -> None:
    status, stdout, stderr = run("load_program", str(SAPPORO))
    assert (status, stderr) == (0, "")
    assert "sapporo-dx-2026 created (revision 1, 6 tracks, 2 pools, 19 placeholders)" in stdout
    program = Program.objects.get(code="sapporo-dx-2026")
    assert program.title == "札幌市中小企業DX加速化・賃上げ促進緊急支援業務"
    assert program.definition_text == SAPPORO.read_text(encoding="utf-8")
    assert program.definition == load_definition(SAPPORO)
    assert list(program.tracks.values_list("name", "kind")) == [
        ("outreach", "outreach"),
        ("phase1", "support"),
        ("topup_grant", "grant"),
        ("phase2", "support"),
        ("dx_grant", "grant"),
        ("inquiries", "desk"),
    ]
    caps = dict(CountCap.objects.values_list("track__name", "limit"))
    assert caps == {"phase1": 460, "phase2": 46}
    topup = Track.objects.select_related("pool").get(program=program, name="topup_grant")
    assert topup.pool is not None and topup.pool.name == "topup_subsidy"
    assert topup.pool.limit_yen is None  # a placeholder until the client fills it
    assert topup.definition.formula is not None
    assert ProgramRevision.objects.filter(program=program).count() == 1


@pytest.mark.django_db
def test_load_program_loads_every_seed() -> None:
    for path in sorted(PROGRAMMES.glob("*.toml")):
        assert run("load_program", str(path))[0] == 0
    assert Program.objects.count() == 5
    nara = dict(
        MoneyPool.objects.filter(program__code="nara-diginara-2024").values_list(
            "name", "limit_yen"
        )
    )
    assert nara == {"subsidy": 20_000_000, "commission": 6_000_000}


@pytest.mark.django_db
def test_loading_the_same_file_again_changes_nothing() -> None:
    run("load_program", str(SAPPORO))
    status, stdout, _stderr = run("load_program", str(SAPPORO))
    assert status == 0
    assert "sapporo-dx-2026 unchanged (revision 1" in stdout
    assert ProgramRevision.objects.count() == 1


@pytest.mark.django_db
def test_load_program_updates_the_programme_with_the_same_code(tmp_path: Path) -> None:
    loader = make_user("admin")
    run("load_program", str(SAPPORO))
    changed = edited_copy(
        tmp_path, SAPPORO, "cap = { limit = 46, counts", "cap = { limit = 50, counts"
    )
    status, stdout, _stderr = run("load_program", str(changed), "--by", loader.email)
    assert status == 0
    assert "sapporo-dx-2026 updated (revision 2" in stdout
    assert CountCap.objects.get(track__name="phase2").limit == 50
    program = Program.objects.get()
    assert program.loaded_by == loader
    assert list(program.revisions.values_list("number", flat=True)) == [1, 2]
    assert Track.objects.count() == 6


@pytest.mark.django_db
def test_load_program_refuses_to_remove_a_recorded_track(tmp_path: Path) -> None:
    run("load_program", str(NARA))
    text = NARA.read_text(encoding="utf-8")
    without_desk = text[: text.index("# -- inquiries")] + text[text.index("# -- settlement") :]
    changed = tmp_path / NARA.name
    changed.write_text(without_desk, encoding="utf-8")
    status, _stdout, stderr = run("load_program", str(changed))
    assert status == 1
    assert f"{changed}: refused: the update contradicts recorded data" in stderr
    assert "tracks.inquiries: track 'inquiries' is recorded and cannot be removed" in stderr
    assert Program.objects.get().revision == 1


@pytest.mark.django_db
def test_load_program_refuses_to_change_a_track_kind(tmp_path: Path) -> None:
    run("load_program", str(NARA))
    text = NARA.read_text(encoding="utf-8")
    as_event = '[tracks.inquiries]\nkind = "event"\ntitle = "相談会"\n\n[tracks.inquiries.event]\n'
    as_event += 'format = "briefing"\n\n'
    changed = tmp_path / NARA.name
    changed.write_text(
        text[: text.index("[tracks.inquiries]")] + as_event + text[text.index("# -- settlement") :],
        encoding="utf-8",
    )
    status, _stdout, stderr = run("load_program", str(changed))
    assert status == 1, stderr
    line = line_of(changed, 'kind = "event"')
    assert (
        f"{changed}:{line}: tracks.inquiries.kind: "
        "track 'inquiries' is recorded as desk; it cannot change kind"
    ) in stderr


@pytest.mark.django_db
def test_load_program_refuses_a_cap_below_what_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("load_program", str(SAPPORO))
    monkeypatch.setattr(CountCap, "committed", lambda cap: 450 if cap.limit == 460 else 0)
    changed = edited_copy(
        tmp_path, SAPPORO, "cap = { limit = 460, counts", "cap = { limit = 400, counts"
    )
    status, _stdout, stderr = run("load_program", str(changed))
    assert status == 1
    line = line_of(changed, "cap = { limit = 400")
    assert (
        f"{changed}:{line}: tracks.phase1.cap.limit: 400 is below the 450 already committed"
        in stderr
    )
    assert CountCap.objects.get(track__name="phase1").limit == 460


@pytest.mark.django_db
def test_load_program_refuses_a_pool_below_what_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("load_program", str(NARA))
    monkeypatch.setattr(MoneyPool, "committed_yen", lambda pool: 5_500_000)
    changed = edited_copy(tmp_path, NARA, "limit_yen = 6_000_000", "limit_yen = 5_000_000")
    status, _stdout, stderr = run("load_program", str(changed))
    assert status == 1
    assert (
        "pools.commission.limit_yen: ¥5,000,000 is below the ¥5,500,000 already committed" in stderr
    )


@pytest.mark.django_db
def test_load_program_exits_with_2_and_writes_nothing_for_an_invalid_file(tmp_path: Path) -> None:
    broken = edited_copy(tmp_path, NARA, "ceiling_yen = 200_000", "ceiling_yen = -1")
    status, _stdout, stderr = run("load_program", str(broken))
    assert status == 2
    assert (
        f"{broken}:{line_of(broken, 'ceiling_yen = -1')}: tracks.saas_grant.formula.ceiling_yen:"
        in stderr
    )
    assert not Program.objects.exists()


@pytest.mark.django_db
def test_load_program_is_all_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "_sync_tracks", fail)
    with pytest.raises(RuntimeError):
        call_command("load_program", str(SAPPORO), stdout=StringIO())
    assert not Program.objects.exists()
    assert not MoneyPool.objects.exists()
