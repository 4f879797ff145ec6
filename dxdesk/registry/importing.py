"""Reading call lists: file format, encoding, headers and the value of each cell.

Nothing here touches the database. `read_table` opens a file whatever it is and
either returns its rows or raises `UnreadableFile` with one sentence for the
user; `parse_row` turns one row into a `CompanyRow` or says which cells are wrong.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from dxdesk.registry import keys
from dxdesk.registry.corporate_number import corporate_number_problem, normalise_corporate_number
from dxdesk.registry.industries import parse_industry


class UnreadableFile(Exception):
    """The file as a whole cannot be imported; the message says why."""


# Column aliases, compared after NFKC, lower-casing and removing spaces and brackets.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "ref": ("管理番号", "ref", "reference", "整理番号", "no", "id", "リスト番号"),
    "corporate_number": ("法人番号", "corporate_number", "corporatenumber", "houjinbangou"),
    "name": ("商号又は名称", "名称", "name", "企業名", "会社名", "事業者名", "商号", "法人名"),
    "kana": ("フリガナ", "ふりがな", "kana", "カナ", "名称フリガナ", "furigana"),
    "address": ("所在地", "住所", "address", "本店所在地", "本社所在地"),
    "postal_code": ("郵便番号", "postal_code", "postcode", "zip"),
    "phone": ("電話番号", "phone", "tel", "電話", "telephone"),
    "industry": ("業種", "industry", "業種名", "産業分類"),
    "capital": ("資本金", "capital", "資本金(円)", "資本金額"),
    "employees": ("従業員数", "employees", "従業員", "常時使用する従業員数", "社員数"),
    "representative": ("代表者", "representative", "代表者名", "代表者氏名"),
    "email": ("メールアドレス", "email", "e-mail", "mail", "メール"),
}
FIELD_LABELS = {
    "ref": "管理番号",
    "corporate_number": "法人番号",
    "name": "商号又は名称",
    "kana": "フリガナ",
    "address": "所在地",
    "postal_code": "郵便番号",
    "phone": "電話番号",
    "industry": "業種",
    "capital": "資本金",
    "employees": "従業員数",
    "representative": "代表者",
    "email": "メールアドレス",
}
# The columns of a call list as the secretariat hands it over (and as exports give it
# back): every field above but the postal code, in this order.
CALL_LIST_COLUMNS = tuple(label for key, label in FIELD_LABELS.items() if key != "postal_code")


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s()\[\]（）_\-・]", "", text)


_ALIAS_TO_FIELD = {
    _header_key(alias): field_name
    for field_name, aliases in COLUMN_ALIASES.items()
    for alias in aliases
}

# The National Tax Agency's bulk download (法人番号公表サイト 全件データ, CSV with no
# header row); positions are 0-based columns of its published layout.
NTA_COLUMNS = {
    "corporate_number": 1,
    "name": 6,
    "kind": 8,
    "prefecture": 9,
    "city": 10,
    "street": 11,
    "postal_code": 15,
    "close_date": 18,
    "latest": 23,
    "furigana": 28,
}


@dataclass
class Table:
    format: str
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)

    @property
    def total_rows(self) -> int:
        return len(self.rows)


@dataclass(slots=True)
class RowProblem:
    row: int
    column: str
    reason: str
    value: str = ""
    rejected: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
            "value": self.value,
            "action": "rejected" if self.rejected else "imported_without_value",
        }

    @classmethod
    def from_dict(cls, item: dict[str, Any]) -> RowProblem:
        """The inverse of as_dict, for problems kept in an ImportJob."""
        return cls(
            row=int(item["row"]),
            column=str(item["column"]),
            reason=str(item["reason"]),
            value=str(item.get("value", "")),
            rejected=item.get("action") == "rejected",
        )


# Slots: an import holds thousands of these at once, and an instance without a __dict__
# is one object less for the garbage collector to track per row.
@dataclass(slots=True)
class CompanyRow:
    row: int
    name: str
    ref: str = ""
    corporate_number: str = ""
    name_kana: str = ""
    address: str = ""
    postal_code: str = ""
    phone: str = ""
    industry_code: str = ""
    industry_text: str = ""
    capital_yen: int | None = None
    employees: int | None = None
    representative: str = ""
    email: str = ""
    sole_proprietor: bool = False
    notes: list[RowProblem] = field(default_factory=list)


def read_table(path: Path) -> Table:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"{path.name}: ファイルを読めません（{error.strerror}）") from error
    if not data.strip():
        raise UnreadableFile(f"{path.name}: ファイルが空です")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(path, data)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # Excel's "Unicode text" export: UTF-16 with a byte-order mark, tab-separated.
        return _table_from_text(path.name, data.decode("utf-16"), "utf-16")
    if b"\x00" in data[:8192]:
        raise UnreadableFile(
            f"{path.name}: バイナリファイルのため読めません（CSV または .xlsx を指定してください）"
        )
    text, encoding = _decode(path.name, data)
    return _table_from_text(path.name, text, encoding)


def _table_from_text(name: str, text: str, encoding: str) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_rows = [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as error:
        raise UnreadableFile(f"{name}: CSV として読めません（{error}）") from error
    kind = "tsv" if delimiter == "\t" else "csv"
    return _table_from_rows(name, f"{kind}-{encoding}", raw_rows)


_UNLIKELY_TEXT = re.compile("[\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _decode(name: str, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # cp932 maps a few stray bytes to private-use or control characters: a sign
        # that the file was never Shift_JIS text.
        if not _UNLIKELY_TEXT.search(text):
            return text, encoding
    raise UnreadableFile(
        f"{name}: 文字コードを判別できません"
        "（UTF-8、UTF-8 BOM付き、Shift_JIS/cp932 のいずれでもありません）"
    )


def _read_xlsx(path: Path, data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(f"{path.name}: Excel ファイル（.xlsx）として読めません") from error
    try:
        sheet = workbook.worksheets[0]
        raw_rows = [
            (number, ["" if cell is None else _cell_text(cell) for cell in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    return _table_from_rows(path.name, "xlsx", raw_rows)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table_from_rows(name: str, file_format: str, raw_rows: list[tuple[int, list[str]]]) -> Table:
    rows = [(number, cells) for number, cells in raw_rows if any(cell.strip() for cell in cells)]
    if not rows:
        raise UnreadableFile(f"{name}: データの行がありません")
    _header_number, header = rows[0]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        field_name = _ALIAS_TO_FIELD.get(_header_key(cell))
        if field_name and field_name not in columns:
            columns[field_name] = index
    if "name" in columns:
        return Table(file_format, columns, rows[1:])
    if _looks_like_nta(header):
        return Table("nta-bulk", dict(NTA_COLUMNS), rows)
    shown = "、".join(cell.strip() for cell in header[:8] if cell.strip())
    raise UnreadableFile(
        f"{name}: 名称の列が見つかりません（1行目の見出し: {shown}）。"
        "「商号又は名称」「名称」または「name」の列が必要です"
    )


def _looks_like_nta(first_row: list[str]) -> bool:
    return (
        len(first_row) >= 24
        and first_row[0].strip().isdigit()
        and re.fullmatch(r"\d{13}", first_row[1].strip()) is not None
    )


def iter_company_rows(table: Table) -> Iterator[CompanyRow | list[RowProblem]]:
    parse = _parse_nta_row if table.format == "nta-bulk" else _parse_list_row
    for number, cells in table.rows:
        yield parse(number, cells, table.columns)


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _parse_list_row(
    number: int, cells: list[str], columns: dict[str, int]
) -> CompanyRow | list[RowProblem]:
    problems: list[RowProblem] = []
    count = len(cells)
    # Every cell this row has, looked up once: a list has twelve columns and 50,000 rows.
    cell = {field: cells[index].strip() for field, index in columns.items() if index < count}.get
    name = " ".join(unicodedata.normalize("NFKC", cell("name", "")).split())
    if not name:
        problems.append(RowProblem(number, FIELD_LABELS["name"], "名称が空です"))
    capital = _parse_yen(cell("capital", ""))
    if capital is False:
        problems.append(RowProblem(number, "資本金", "金額として読めません", cell("capital", "")))
    employees = _parse_count(cell("employees", ""))
    if employees is False:
        problems.append(
            RowProblem(number, "従業員数", "人数として読めません", cell("employees", ""))
        )
    email = unicodedata.normalize("NFKC", cell("email", ""))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                RowProblem(number, "メールアドレス", "メールアドレスの形式ではありません", email)
            )
    if problems:
        return problems
    row = CompanyRow(
        row=number,
        name=name,
        ref=unicodedata.normalize("NFKC", cell("ref", "")),
        name_kana=cell("kana", ""),
        address=cell("address", ""),
        postal_code=unicodedata.normalize("NFKC", cell("postal_code", "")),
        phone=cell("phone", ""),
        industry_text=cell("industry", ""),
        capital_yen=capital if isinstance(capital, int) and not isinstance(capital, bool) else None,
        employees=employees
        if isinstance(employees, int) and not isinstance(employees, bool)
        else None,
        representative=cell("representative", ""),
        email=email,
    )
    row.industry_code = _industry_code(row.industry_text) if row.industry_text else ""
    _take_corporate_number(row, cell("corporate_number", ""))
    _, legal_form, _ = keys.split_legal_form(name)
    row.sole_proprietor = legal_form is None and not row.corporate_number
    if row.phone and not keys.phone_key(row.phone):
        row.notes.append(
            RowProblem(
                number,
                "電話番号",
                "電話番号として確認できません（記載のまま保存）",
                row.phone,
                rejected=False,
            )
        )
    return row


# A list names the same few dozen industries over and over.
@functools.lru_cache(maxsize=4096)
def _industry_code(text: str) -> str:
    return parse_industry(text) or ""


def _take_corporate_number(row: CompanyRow, raw: str) -> None:
    if not raw:
        return
    number = normalise_corporate_number(raw)
    problem = corporate_number_problem(number)
    if problem is None:
        row.corporate_number = number
    else:
        row.notes.append(
            RowProblem(
                row.row,
                FIELD_LABELS["corporate_number"],
                f"{problem.message}。法人番号なしで取り込みました",
                raw,
                rejected=False,
            )
        )


def _parse_nta_row(
    number: int, cells: list[str], columns: dict[str, int]
) -> CompanyRow | list[RowProblem]:
    name = unicodedata.normalize("NFKC", _cell(cells, columns, "name")).strip()
    if not name:
        return [RowProblem(number, "name", "名称が空です")]
    if _cell(cells, columns, "latest") == "0":
        return [RowProblem(number, "latest", "最新の履歴ではない行のため取り込みません")]
    if _cell(cells, columns, "close_date"):
        return [
            RowProblem(
                number,
                "closeDate",
                "登記記録が閉鎖された法人のため取り込みません",
                _cell(cells, columns, "close_date"),
            )
        ]
    address = "".join(_cell(cells, columns, part) for part in ("prefecture", "city", "street"))
    postal = _cell(cells, columns, "postal_code")
    row = CompanyRow(
        row=number,
        name=name,
        name_kana=_cell(cells, columns, "furigana"),
        address=address,
        postal_code=f"{postal[:3]}-{postal[3:]}" if len(postal) == 7 else postal,
    )
    _take_corporate_number(row, _cell(cells, columns, "corporate_number"))
    return row


_YEN_UNITS = {"億": 100_000_000, "千万": 10_000_000, "万": 10_000, "千": 1_000}
_YEN_UNIT_PATTERNS = tuple(
    (re.compile(rf"(\d+(?:\.\d+)?){unit}"), factor) for unit, factor in _YEN_UNITS.items()
)
_DIGITS = re.compile(r"\d+")


def _parse_yen(text: str) -> int | bool | None:
    """Yen as lists write it (10000000, 1,000万円, 3億円, 5千万); False if unreadable."""
    text = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    if not text or text in {"-", "ー", "不明"}:
        return None
    text = text.removesuffix("円")
    if _DIGITS.fullmatch(text):
        return int(text)
    total = 0
    rest = text
    for pattern, factor in _YEN_UNIT_PATTERNS:
        match = pattern.match(rest)
        if match:
            total += int(Decimal(match.group(1)) * factor)
            rest = rest[match.end() :]
    if rest and _DIGITS.fullmatch(rest):
        total += int(rest)
        rest = ""
    if rest or (total == 0 and text not in {"0"}):
        return False
    return total


def _parse_count(text: str) -> int | bool | None:
    text = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    if not text or text in {"-", "ー", "不明"}:
        return None
    text = text.removesuffix("人").removesuffix("名")
    if _DIGITS.fullmatch(text):
        return int(text)
    return False
