"""名寄せ: which rows of a call list, or which stored companies, are the same company.

The rules are a careful clerk's, with nothing for the user to tune:

1. Two valid 法人番号 decide alone: equal is the same company, different is not, whatever
   the names say. A number whose check digit fails was never trusted and decides nothing.
2. Otherwise the names must agree — compared without the legal form and folded for width,
   script and punctuation (`keys.name_key`), or through their readings (`keys.kana_key`) —
   and the place must back them up: the same phone number or the same street address
   (building left out). With both, names may differ as a typo or a kana spelling does; with
   one and the other unknown, by two characters at most or only in how they are written
   (equal readings); with one and the other different (a move, a new line), not at all.
3. The same name in another ward is another company, and so is the same name with both a
   different address and a different phone number.

A match's score is 1 for the same 法人番号, otherwise 0.6 × how alike the names are plus 0.2
for the same phone and 0.2 for the same street; its reason says the same in Japanese.

Records are held column by column, as lists of keys, because a list of 500,000 rows has to
be read and compared in well under a minute of Python. Pairs are compared only when they
share a blocking key (法人番号, phone, name, street address), so there are few of them.
Clusters are joined from the strongest match down and never join two different valid
法人番号, however the links chain.
"""

from __future__ import annotations

import gc
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import BooleanField, ExpressionWrapper
from rapidfuzz.distance import Indel, Levenshtein

from dxdesk.registry import keys
from dxdesk.registry.corporate_number import (
    is_valid_corporate_number,
    normalise_corporate_number,
)
from dxdesk.registry.importing import Table, iter_company_rows, read_table

if TYPE_CHECKING:
    from django.db.models import Q, QuerySet

    from dxdesk.registry.models import Company


@dataclass
class CompanyRecords:
    """The keys of many companies, one list per key, in input order."""

    identifiers: list[str] = field(default_factory=list)  # 管理番号, row number or company id
    labels: list[str] = field(default_factory=list)  # the name as written, for people
    corporate_numbers: list[str] = field(default_factory=list)  # valid ones only, else ""
    name_keys: list[str] = field(default_factory=list)
    phone_keys: list[str] = field(default_factory=list)
    streets: list[str] = field(default_factory=list)  # see street_key
    wards: list[str] = field(default_factory=list)
    # kana_key of the フリガナ (or of the name when there is none). Worked out only for the
    # rows that meet a candidate, since few do and kana_key is the slowest key.
    readings: list[str | None] = field(default_factory=list)
    reading_sources: list[str] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)  # why a row could not be compared
    marked: set[int] = field(default_factory=set)  # see records_from_registry

    def __len__(self) -> int:
        return len(self.identifiers)

    def reading(self, index: int) -> str:
        """The row's reading in hiragana, or "" if its key is not all kana (a kanji name)."""
        reading = self.readings[index]
        if reading is None:
            reading = keys.kana_key(self.reading_sources[index])
            reading = reading if _ALL_KANA.fullmatch(reading) else ""
            self.readings[index] = reading
        return reading


_ALL_KANA = re.compile(r"[ぁ-ゖー]+")


class Match(NamedTuple):
    first: int  # positions in CompanyRecords
    second: int
    score: float
    reason: str


@dataclass
class Clusters:
    """Cluster numbers from 1 in order of first row; a row alone has a cluster of its own."""

    cluster_of: list[int]
    scores: list[float | None]  # the best match that put the row in its cluster
    reasons: list[str]
    partners: list[int | None]  # the row of that match

    def groups(self) -> Iterator[list[int]]:
        """The rows of every cluster with more than one row."""
        members: dict[int, list[int]] = {}
        for index, number in enumerate(self.cluster_of):
            members.setdefault(number, []).append(index)
        return (rows for rows in members.values() if len(rows) > 1)


# --- Keys --------------------------------------------------------------------------------

# The first group of street numbers that is not a 条 or 線 and, unlike
# keys.address_without_building, not the 丁目 of a Sapporo "本通3丁目南5-2" either.
_STREET_NUMBER = re.compile(r"\d+(?:-\d+)*(?![\d条線]|[東西南北]\d)")
_PREFECTURE = re.compile("^(?:" + "|".join(keys.PREFECTURES) + ")")


def street_key(address_key: str) -> str:
    """An address key without the prefecture (lists often leave it out) or the building."""
    text = _PREFECTURE.sub("", address_key)
    match = _STREET_NUMBER.search(text)
    return text if match is None else text[: match.end()]


_PHONE_LABEL = re.compile(r"^\s*(?:tel|phone|電話(?:番号)?)\s*[:.]?\s*", re.IGNORECASE)
_PHONE_EXTENSION = re.compile(r"(?:内線|\(内\)).*$")
_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")


def phone_digits(phone: str) -> str:
    """keys.phone_key without its cost (a tenth of it) for the usual case.

    A Japanese number written with only digits, spaces, dashes, brackets and dots, after an
    optional "TEL:" or +81, gives its ten or eleven digits: what phone_key gives for every
    valid number, though phone_key would also drop one that is well formed but unallocated.
    Anything else goes to phone_key itself.
    """
    if not phone:
        return ""
    text = _PHONE_EXTENSION.sub("", _PHONE_LABEL.sub("", unicodedata.normalize("NFKC", phone)))
    international = text.startswith("+81")
    digits = _PHONE_PUNCTUATION.sub("", text[3:] if international else text)
    if international:
        digits = "0" + digits
    if (
        digits.isascii()
        and digits.isdigit()
        and len(digits) in (10, 11)
        and digits[0] == "0"
        and digits[1] != "0"
    ):
        return digits
    return keys.phone_key(phone)


# --- Reading a call list ---------------------------------------------------------------


def read_call_list(path: Path) -> tuple[CompanyRecords, Clusters]:
    """Read a call list in any import format, find its duplicates and cluster them.

    Raises importing.UnreadableFile, with one sentence for the user, if the file cannot be
    read as a call list.
    """
    with paused_garbage_collection():
        records = records_from_table(read_table(path))
        return records, cluster(records, find_duplicates(records))


@contextmanager
def paused_garbage_collection() -> Iterator[None]:
    """Hold the cyclic garbage collector while millions of small strings and lists are made.

    None of them is in a cycle, so every collection would walk them all again for nothing;
    it also keeps forked workers from copying the pages the collector would touch.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Columns(NamedTuple):
    identifiers: list[str]
    labels: list[str]
    corporate_numbers: list[str]
    name_keys: list[str]
    phone_keys: list[str]
    streets: list[str]
    wards: list[str]
    reading_sources: list[str]
    notes: dict[int, str]  # by position in the span


def records_from_table(table: Table) -> CompanyRecords:
    """Every row of a call list read by importing.read_table, in order, ready to compare.

    Rows are compared whatever import would say about their other columns (a bad e-mail
    address does not make two rows different companies). Rows without a name are kept, so
    that the output has one line per input row, but they match only on a valid 法人番号.
    Large lists are keyed by one worker process per CPU.
    """
    records = CompanyRecords()
    total = len(table.rows)
    workers = _worker_count()
    if total < _PARALLEL_FROM or workers < 2 or "fork" not in get_all_start_methods():
        parts: Iterable[_Columns] = [_read_span(table, 0, total)]
        _append(records, parts)
    else:
        size = max(2_000, -(-total // (workers * 4)))
        spans = [(start, min(start + size, total)) for start in range(0, total, size)]
        # fork, not spawn: each worker starts with the table already in its memory, and only
        # the keys travel back.
        with get_context("fork").Pool(
            workers, initializer=_remember_table, initargs=(table,)
        ) as pool:
            _append(records, pool.imap(_read_remembered_span, spans))
    records.readings = [None] * len(records.identifiers)
    return records


_PARALLEL_FROM = 20_000  # rows; below this, starting worker processes costs more than it saves


def _worker_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_remembered: list[Table] = []  # in a worker process: the table it reads spans of


def _remember_table(table: Table) -> None:
    _remembered.append(table)


def _read_remembered_span(span: tuple[int, int]) -> _Columns:
    return _read_span(_remembered[0], *span)


def _append(records: CompanyRecords, parts: Iterable[_Columns]) -> None:
    for part in parts:
        offset = len(records.identifiers)
        records.identifiers += part.identifiers
        records.labels += part.labels
        records.corporate_numbers += part.corporate_numbers
        records.name_keys += part.name_keys
        records.phone_keys += part.phone_keys
        records.streets += part.streets
        records.wards += part.wards
        records.reading_sources += part.reading_sources
        for position, note in part.notes.items():
            records.notes[offset + position] = note


def _read_span(table: Table, start: int, stop: int) -> _Columns:
    """Rows start to stop of the table, as columns of keys."""
    columns = _Columns([], [], [], [], [], [], [], [], {})
    name_key, address_key_and_ward = keys.name_key, keys.address_key_and_ward
    for ref, number, name, kana, address, phone, note in _cells(table, start, stop):
        if note:
            columns.notes[len(columns.identifiers)] = note
        columns.identifiers.append(ref)
        columns.labels.append(name)
        columns.corporate_numbers.append(number)
        columns.name_keys.append(name_key(name) if name else "")
        columns.phone_keys.append(phone_digits(phone))
        if address:
            address_key, ward = address_key_and_ward(address)
            columns.streets.append(street_key(address_key))
            columns.wards.append(ward)
        else:
            columns.streets.append("")
            columns.wards.append("")
        columns.reading_sources.append(kana or name)
    return columns


_Cells = tuple[str, str, str, str, str, str, str]


def _cells(table: Table, start: int, stop: int) -> Iterator[_Cells]:
    """(ref or row number, valid 法人番号, name, kana, address, phone, note) of each row."""
    if table.format == "nta-bulk":
        span = Table(table.format, table.columns, table.rows[start:stop])
        for (row_number, _cells), row in zip(span.rows, iter_company_rows(span), strict=True):
            if isinstance(row, list):
                note = "; ".join(problem.reason for problem in row)
                yield str(row_number), "", "", "", "", "", f"照合していません（{note}）"
            else:
                yield (
                    row.ref or str(row_number),
                    row.corporate_number,
                    row.name,
                    row.name_kana,
                    row.address,
                    row.phone,
                    "",
                )
        return
    positions = tuple(
        table.columns.get(field_name, -1)
        for field_name in ("ref", "corporate_number", "name", "kana", "address", "phone")
    )
    ref_at, number_at, name_at, kana_at, address_at, phone_at = positions
    width = 1 + max(positions)
    normalize = unicodedata.normalize
    for row_number, cells in table.rows[start:stop]:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        ref = normalize("NFKC", cells[ref_at]).strip() if ref_at >= 0 else ""
        number = normalise_corporate_number(cells[number_at]) if number_at >= 0 else ""
        name = cells[name_at].strip()
        yield (
            ref or str(row_number),
            number if number and is_valid_corporate_number(number) else "",
            name,
            cells[kana_at].strip() if kana_at >= 0 else "",
            cells[address_at].strip() if address_at >= 0 else "",
            cells[phone_at].strip() if phone_at >= 0 else "",
            "" if name else "名称が空のため名称では照合していません",
        )


REGISTRY_COLUMNS = (
    "id",
    "name",
    "corporate_number",
    "name_key",
    "kana_key",
    "phone_key",
    "address_key",
    "ward",
)


def records_from_registry(
    companies: QuerySet[Company], chunk_size: int = 5_000, *, marked: Q | None = None
) -> CompanyRecords:
    """Stored companies with the keys saved alongside them (nothing is worked out again).

    `marked` picks out some of them in the same reading (an import's own companies): their
    positions go to `records.marked`.
    """
    records = CompanyRecords()
    rows = companies.order_by("id")
    if marked is not None:
        rows = rows.annotate(_marked=ExpressionWrapper(marked, output_field=BooleanField()))
    values = rows.values_list(*REGISTRY_COLUMNS, *(["_marked"] if marked is not None else []))
    marks = records.marked
    for position, (
        company_id,
        name,
        number,
        name_key,
        kana_key,
        phone_key,
        address_key,
        ward,
        *mark,
    ) in enumerate(values.iterator(chunk_size=chunk_size)):
        records.identifiers.append(str(company_id))
        records.labels.append(name)
        # The form and the import store only numbers whose check digit passed, so they are
        # not checked again (a third of the time this takes).
        records.corporate_numbers.append(number)
        records.name_keys.append(name_key)
        records.phone_keys.append(phone_key)
        records.streets.append(street_key(address_key))
        records.wards.append(ward)
        records.readings.append(kana_key if _ALL_KANA.fullmatch(kana_key) else "")
        records.reading_sources.append("")
        if mark and mark[0]:
            marks.add(position)
    return records


# --- Candidate pairs -----------------------------------------------------------------------

# A phone number on more rows than this is a switchboard, an accountant's office or a call
# centre: it says nothing about which company a row is, so it neither proposes pairs nor
# counts as agreement.
SHARED_PHONE = 8
# Blocks larger than this are split by ward (names) or by the first letter of the name
# (addresses: a large building); what is still too large proposes nothing.
LARGEST_BLOCK = 60


def _blocks(records: CompanyRecords) -> Iterator[list[int]]:
    names = records.name_keys
    # A street key without a number ("札幌市中央区") is no address at all.
    streets = [street if street[-1:].isdigit() else "" for street in records.streets]
    yield from _shared(records.corporate_numbers).values()
    yield from (rows for rows in _shared(records.phone_keys).values() if len(rows) <= SHARED_PHONE)
    yield from _split(_shared(names).values(), records.wards.__getitem__)
    yield from _split(_shared(streets).values(), lambda index: names[index][:1])


def _shared(column: list[str]) -> dict[str, list[int]]:
    """The rows of every non-empty value found in more than one row."""
    # Counter counts in C; only the few repeated values are then looked for row by row.
    repeated = {value for value, count in Counter(column).items() if count > 1 and value}
    rows: dict[str, list[int]] = {}
    for index, value in enumerate(column):
        if value in repeated:
            rows.setdefault(value, []).append(index)
    return rows


def _split(blocks: Iterable[list[int]], secondary: Callable[[int], str]) -> Iterator[list[int]]:
    for rows in blocks:
        if len(rows) <= LARGEST_BLOCK:
            yield rows
            continue
        parts: dict[str, list[int]] = {}
        for index in rows:
            parts.setdefault(secondary(index), []).append(index)
        yield from (part for part in parts.values() if 1 < len(part) <= LARGEST_BLOCK)


def candidate_pairs(records: CompanyRecords) -> set[int]:
    """Pairs of rows sharing a blocking key, each encoded as first × len + second."""
    size = len(records)
    pairs: set[int] = set()
    add = pairs.add
    for rows in _blocks(records):
        for position, first in enumerate(rows):
            base = first * size
            for second in rows[position + 1 :]:
                add(base + second)
    return pairs


# --- Deciding ----------------------------------------------------------------------------

# How alike different names must be (Indel similarity of the name keys) when the phone and
# the street both agree, or one agrees and the other is unknown; in the second case at most
# MOST_EDITS characters may differ, since names of one trade in one building share long
# endings (…共同警備保障) and a ratio alone lets neighbours through. A phone or street that
# differs leaves room for no difference in the name at all.
SIMILAR_WITH_BOTH = 0.6
SIMILAR_WITH_ONE = 0.75
MOST_EDITS = 2
# How alike two names count when their readings are equal (the kanji differ: 斉藤/斎藤), or
# when one spells in kana what the other writes in kanji and the reading confirms it
# (しろいし建設, 白石建設 read しろいしけんせつ). Unconfirmed, kana spelling needs both the
# phone and the street.
ALIKE_BY_READING = 0.9


def find_duplicates(records: CompanyRecords) -> list[Match]:
    """Every pair of rows that a careful clerk would call the same company, best first."""
    phone_counts = Counter(records.phone_keys)
    matches = []
    size = len(records)
    for pair in candidate_pairs(records):
        match = compare(records, *divmod(pair, size), phone_counts)
        if match is not None:
            matches.append(match)
    matches.sort(key=lambda match: (-match.score, match.first, match.second))
    return matches


def compare(
    records: CompanyRecords, first: int, second: int, phone_counts: Counter[str]
) -> Match | None:
    """The match between two rows, or None when they are (or may be) different companies."""
    number, other_number = records.corporate_numbers[first], records.corporate_numbers[second]
    if number and other_number:
        return Match(first, second, 1.0, "法人番号が一致") if number == other_number else None
    name, other_name = records.name_keys[first], records.name_keys[second]
    ward, other_ward = records.wards[first], records.wards[second]
    if not name or not other_name or (ward and other_ward and ward != other_ward):
        return None
    phone, other_phone = records.phone_keys[first], records.phone_keys[second]
    same_phone = bool(phone) and phone == other_phone and phone_counts[phone] <= SHARED_PHONE
    different_phone = bool(phone) and bool(other_phone) and phone != other_phone
    street, other_street = records.streets[first], records.streets[second]
    same_street = bool(street) and _same_street(street, other_street)
    different_street = bool(street) and bool(other_street) and not same_street
    if not (same_phone or same_street) or (different_phone and different_street):
        return None
    if name == other_name:
        alike, how = 1.0, "名称"
    elif different_phone or different_street:
        return None
    else:
        alike, how = _alike(records, first, second, both=same_phone and same_street)
        if not alike:
            return None
    score = round(0.6 * alike + 0.2 * same_phone + 0.2 * same_street, 2)
    return Match(first, second, score, _reason(how, alike, same_phone, same_street))


def _alike(records: CompanyRecords, first: int, second: int, *, both: bool) -> tuple[float, str]:
    """How alike two different names are, and in what; (0, "") when not alike enough."""
    name, other_name = records.name_keys[first], records.name_keys[second]
    similarity = Indel.normalized_similarity(name, other_name)
    if both and similarity >= SIMILAR_WITH_BOTH:
        return similarity, "名称"
    if (
        similarity >= SIMILAR_WITH_ONE
        and Levenshtein.distance(name, other_name, score_cutoff=MOST_EDITS) <= MOST_EDITS
    ):
        return similarity, "名称"
    reading = records.reading(first)
    if reading and reading == records.reading(second):
        return ALIKE_BY_READING, "フリガナが一致（名称の表記違い）"
    confirmed = _spelled_in_kana(records, first, second)
    if confirmed:
        return ALIKE_BY_READING, "名称のかな書き（読みで確認）"
    if confirmed is False and both:
        return SIMILAR_WITH_BOTH, "名称のかな書き"
    return 0.0, ""


def _same_street(street: str, other_street: str) -> bool:
    """Equal, or equal but for one more number at the end of one of them.

    The extra number is a room ("4-3-201"), or a kanji numeral at the start of a building
    name that keys.address_key read as a number (…19号 十勝ビル → "19-10").
    """
    if street == other_street:
        return True
    shorter, longer = sorted((street, other_street), key=len)
    return (
        longer.startswith(shorter)
        and longer[len(shorter) : len(shorter) + 1] == "-"
        and longer[len(shorter) + 1 :].isdigit()
        and shorter[-1:].isdigit()
    )


def _spelled_in_kana(records: CompanyRecords, first: int, second: int) -> bool | None:
    """Whether the names differ only by a part in kana on one side and not on the other.

    True when the other side's reading confirms the kana (白石建設 read しろいしけんせつ and
    しろいし建設), False when there is no reading to ask, None when it is not that case.
    """
    name, other_name = records.name_keys[first], records.name_keys[second]
    shortest = min(len(name), len(other_name))
    start = 0
    while start < shortest and name[start] == other_name[start]:
        start += 1
    end = 0
    while end < shortest - start and name[-1 - end] == other_name[-1 - end]:
        end += 1
    part, other_part = name[start : len(name) - end], other_name[start : len(other_name) - end]
    if not part or not other_part:
        return None
    if _ALL_KANA.fullmatch(part) and not _ANY_KANA.search(other_part):
        kana, written_in = part, second
    elif _ALL_KANA.fullmatch(other_part) and not _ANY_KANA.search(part):
        kana, written_in = other_part, first
    else:
        return None
    reading = records.reading(written_in)
    if not reading:
        return False
    kana = keys.kana_key(kana)
    if start == 0:
        return reading.startswith(kana)
    if end == 0:
        return reading.endswith(kana)
    return kana in reading


_ANY_KANA = re.compile(r"[ぁ-ゖ]")


def _reason(how: str, alike: float, same_phone: bool, same_street: bool) -> str:
    agreeing = [label for label, same in (("電話番号", same_phone), ("住所", same_street)) if same]
    if how == "名称" and alike >= 1.0:
        return "・".join(["名称", *agreeing]) + "が一致"
    if how == "名称":
        how = f"名称が類似（{alike:.2f}）"
    return f"{how}・" + "・".join(agreeing) + "が一致"


def cluster(records: CompanyRecords, matches: list[Match] | None = None) -> Clusters:
    """Join matched rows into companies, strongest match first.

    A match that would put two different valid 法人番号 in one cluster is left out: chains
    of looser matches must not overrule the registry number.
    """
    if matches is None:
        matches = find_duplicates(records)
    size = len(records)
    parent = list(range(size))
    number_of = list(records.corporate_numbers)  # per cluster root: its valid number, if any
    scores: list[float | None] = [None] * size
    reasons = [""] * size
    partners: list[int | None] = [None] * size

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for first, second, score, reason in matches:
        first_root, second_root = root(first), root(second)
        if first_root != second_root:
            first_number, second_number = number_of[first_root], number_of[second_root]
            if first_number and second_number and first_number != second_number:
                continue
            parent[second_root] = first_root
            number_of[first_root] = first_number or second_number
        for row, other in ((first, second), (second, first)):
            if scores[row] is None:
                scores[row], reasons[row], partners[row] = score, reason, other
    numbering: dict[int, int] = {}
    cluster_of = [numbering.setdefault(root(index), len(numbering) + 1) for index in range(size)]
    return Clusters(cluster_of, scores, reasons, partners)
