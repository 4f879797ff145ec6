"""Typed, error-collecting access to the tables of a parsed TOML document.

Every getter records the key it read, so `finish()` can report the keys nobody asked
for: a typo in a programme file is an error, never a silently ignored setting. Getters
never raise; they record a `DefinitionError` and return None so the checker can carry on
and report every problem in one run.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

from dxdesk.programs.locator import LineLocator, index_path, join_path

NAME = re.compile(r"[a-z][a-z0-9_]*")
RATE = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
PERCENT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*%\s*")
CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")

T = TypeVar("T")


class DefinitionError(Exception):
    """One problem in a programme file, with the key path and line that show where."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(path, line, message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        if self.path:
            return f"{self.line}: {self.path}: {self.message}"
        return f"{self.line}: {self.message}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DefinitionError) and (
            (self.path, self.line, self.message) == (other.path, other.line, other.message)
        )

    def __hash__(self) -> int:
        return hash((self.path, self.line, self.message))


@dataclass(frozen=True)
class Placeholder:
    """A value the source document leaves open, written as `{ placeholder = "…" }`.

    `estimate` carries a value the document gives only approximately or provisionally
    ("令和8年3月予定") for display; rules never act on it.
    """

    note: str
    estimate: Any = None
    path: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


class Problems:
    """Collects errors and placeholders while a document is read."""

    def __init__(self, locator: LineLocator) -> None:
        self.locator = locator
        self.errors: list[DefinitionError] = []
        self.placeholders: list[Placeholder] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(DefinitionError(path, self.locator.line_of(path), message))

    def line_of(self, path: str) -> int:
        return self.locator.line_of(path)


def parse_rate(raw: str) -> Fraction | None:
    """An exact Fraction from "1/2" or "60%"; None when the text is neither."""
    if match := RATE.fullmatch(raw):
        numerator, denominator = int(match.group(1)), int(match.group(2))
        return Fraction(numerator, denominator) if denominator else None
    if match := PERCENT.fullmatch(raw):
        return Fraction(match.group(1)) / 100
    return None


def parse_clock(raw: str) -> datetime.time | None:
    match = CLOCK.fullmatch(raw)
    return datetime.time(int(match.group(1)), int(match.group(2))) if match else None


def parse_band(raw: str) -> tuple[datetime.time, datetime.time] | None:
    """(09:30, 12:00) from "09:30-12:00"; None unless it is a well-formed, forward band."""
    starts, separator, ends = raw.partition("-")
    start, end = parse_clock(starts.strip()), parse_clock(ends.strip())
    if not separator or start is None or end is None or start >= end:
        return None
    return start, end


class Reader:
    """One TOML table, read key by key."""

    def __init__(self, data: dict[str, Any], path: str, problems: Problems) -> None:
        self.data = data
        self.path = path
        self.problems = problems
        self.seen: set[str] = set()

    def key_path(self, key: str) -> str:
        return join_path(self.path, key)

    def error(self, key: str, message: str) -> None:
        self.problems.add(self.key_path(key) if key else self.path, message)

    def has(self, key: str) -> bool:
        return key in self.data

    def finish(self) -> None:
        for key in self.data:
            if key in self.seen:
                continue
            close = difflib.get_close_matches(key, sorted(self.seen), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.error(key, f"unknown key{hint}")

    # -- scalar getters ---------------------------------------------------------------

    def _raw(self, key: str, required: bool) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if required:
                self.error(key, "required key is missing")
            return None
        return self.data[key]

    def _convert(
        self,
        key: str,
        value: Any,
        convert: Callable[[Any], T | None],
        expected: str,
        *,
        placeholder: bool,
    ) -> T | Placeholder | None:
        if isinstance(value, dict) and "placeholder" in value:
            if not placeholder:
                self.error(key, "this value cannot be left as a placeholder")
                return None
            return self._placeholder(key, value, convert, expected)
        converted = convert(value)
        if converted is None:
            self.error(key, f"expected {expected}, found {_describe(value)}")
        return converted

    def _placeholder(
        self, key: str, value: dict[str, Any], convert: Callable[[Any], T | None], expected: str
    ) -> Placeholder | None:
        path = self.key_path(key)
        for extra in value.keys() - {"placeholder", "estimate"}:
            self.problems.add(join_path(path, extra), "unknown key in a placeholder")
        note = value["placeholder"]
        if not isinstance(note, str) or not note.strip():
            self.problems.add(
                join_path(path, "placeholder"), "a placeholder needs a note saying what to fill"
            )
            return None
        estimate = None
        if "estimate" in value:
            estimate = convert(value["estimate"])
            if estimate is None:
                self.problems.add(
                    join_path(path, "estimate"),
                    f"expected {expected}, found {_describe(value['estimate'])}",
                )
        placeholder = Placeholder(note.strip(), estimate, path, self.problems.line_of(path))
        self.problems.placeholders.append(placeholder)
        return placeholder

    def text(self, key: str, *, required: bool = True) -> str:
        value = self._raw(key, required)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.error(key, f"expected non-empty text, found {_describe(value)}")
            return ""
        return value.strip()

    def text_or_placeholder(self, key: str, *, required: bool = True) -> str | Placeholder | None:
        value = self._raw(key, required)
        if value is None:
            return None
        return self._convert(key, value, _nonempty_text, "non-empty text", placeholder=True)

    def name(self, key: str, *, required: bool = True) -> str:
        value = self.text(key, required=required)
        if value and not NAME.fullmatch(value):
            self.error(key, "expected a name of lower-case letters, digits and _")
            return ""
        return value

    def flag(self, key: str, *, default: bool) -> bool:
        value = self._raw(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"expected true or false, found {_describe(value)}")
            return default
        return value

    def choice(self, key: str, choices: Iterable[str], *, default: str | None = None) -> str:
        allowed = tuple(choices)
        value = self._raw(key, default is None)
        if value is None:
            return default or ""
        if value not in allowed:
            self.error(key, f"expected one of {', '.join(allowed)}; found {_describe(value)}")
            return default or ""
        return str(value)

    def integer(
        self, key: str, *, required: bool = False, minimum: int = 0, placeholder: bool = True
    ) -> int | Placeholder | None:
        value = self._raw(key, required)
        if value is None:
            return None

        def convert(raw: Any) -> int | None:
            return raw if type(raw) is int and raw >= minimum else None

        expected = f"a whole number ≥ {minimum:,}"
        return self._convert(key, value, convert, expected, placeholder=placeholder)

    def plain_integer(self, key: str, *, required: bool = False, minimum: int = 0) -> int | None:
        value = self.integer(key, required=required, minimum=minimum, placeholder=False)
        return value if isinstance(value, int) else None

    def yen(self, key: str, *, required: bool = False) -> int | Placeholder | None:
        return self.integer(key, required=required, minimum=0)

    def rate(
        self, key: str, *, required: bool = False, at_most_one: bool = True
    ) -> Fraction | Placeholder | None:
        value = self._raw(key, required)
        if value is None:
            return None

        def convert(raw: Any) -> Fraction | None:
            if not isinstance(raw, str):
                return None
            rate = parse_rate(raw)
            if rate is None or rate <= 0 or (at_most_one and rate > 1):
                return None
            return rate

        limit = "between 0 and 1" if at_most_one else "above 0"
        expected = f'an exact rate {limit} written as text, like "1/2" or "60%"'
        return self._convert(key, value, convert, expected, placeholder=True)

    def amount(self, key: str, *, required: bool = False) -> int | Fraction | Placeholder | None:
        """A target: a whole number, or a rate written as text ("1%", "9/10")."""
        value = self._raw(key, required)
        if value is None:
            return None

        def convert(raw: Any) -> int | Fraction | None:
            if type(raw) is int and raw >= 0:
                return raw
            return parse_rate(raw) if isinstance(raw, str) else None

        expected = 'a whole number or a rate written as text, like "1%"'
        return self._convert(key, value, convert, expected, placeholder=True)

    def day(self, key: str, *, required: bool = False) -> datetime.date | Placeholder | None:
        value = self._raw(key, required)
        if value is None:
            return None

        def convert(raw: Any) -> datetime.date | None:
            if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
                return raw
            return None

        expected = "a date written without quotes, like 2024-03-29"
        return self._convert(key, value, convert, expected, placeholder=True)

    def band(self, key: str) -> tuple[datetime.time, datetime.time] | None:
        value = self._raw(key, False)
        if value is None:
            return None
        band = parse_band(value) if isinstance(value, str) else None
        if band is None:
            self.error(key, f'expected a time band like "09:30-17:30", found {_describe(value)}')
        return band

    # -- lists ------------------------------------------------------------------------

    def _list(self, key: str, required: bool) -> list[Any]:
        value = self._raw(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(key, f"expected a list, found {_describe(value)}")
            return []
        return value

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        items: list[str] = []
        for index, item in enumerate(self._list(key, required)):
            if isinstance(item, str) and item.strip():
                items.append(item.strip())
            else:
                path = index_path(self.key_path(key), index)
                self.problems.add(path, f"expected non-empty text, found {_describe(item)}")
        return tuple(items)

    def names(self, key: str, *, choices: Iterable[str] | None = None) -> tuple[str, ...]:
        allowed = tuple(choices) if choices is not None else None
        items: list[str] = []
        for index, item in enumerate(self._list(key, False)):
            path = index_path(self.key_path(key), index)
            if not isinstance(item, str) or not NAME.fullmatch(item):
                self.problems.add(path, f"expected a name, found {_describe(item)}")
            elif allowed is not None and item not in allowed:
                self.problems.add(path, f"expected one of {', '.join(allowed)}; found {item!r}")
            elif item in items:
                self.problems.add(path, f"{item!r} is listed twice")
            else:
                items.append(item)
        return tuple(items)

    def days(self, key: str) -> tuple[datetime.date, ...]:
        items: list[datetime.date] = []
        for index, item in enumerate(self._list(key, False)):
            if isinstance(item, datetime.date) and not isinstance(item, datetime.datetime):
                items.append(item)
            else:
                path = index_path(self.key_path(key), index)
                self.problems.add(path, f"expected a date, found {_describe(item)}")
        return tuple(items)

    def bands(self, key: str) -> tuple[tuple[datetime.time, datetime.time], ...]:
        items: list[tuple[datetime.time, datetime.time]] = []
        for index, item in enumerate(self._list(key, False)):
            band = parse_band(item) if isinstance(item, str) else None
            path = index_path(self.key_path(key), index)
            if band is None:
                self.problems.add(path, f'expected a band like "09:30-12:00", found {item!r}')
            elif items and band[0] < items[-1][1]:
                self.problems.add(path, "bands must be in order and must not overlap")
            else:
                items.append(band)
        return tuple(items)

    # -- tables -----------------------------------------------------------------------

    def table(self, key: str, *, required: bool = False) -> Reader | None:
        value = self._raw(key, required)
        if value is None:
            return None
        if isinstance(value, dict) and "placeholder" in value:
            self.error(key, "a table cannot be left as a placeholder")
            return None
        if not isinstance(value, dict):
            self.error(key, f"expected a table, found {_describe(value)}")
            return None
        return Reader(value, self.key_path(key), self.problems)

    def named_tables(self, key: str, *, required: bool = False) -> list[tuple[str, Reader]]:
        """A table of tables keyed by name, like `[tracks.phase1]`, `[tracks.phase2]`."""
        outer = self.table(key, required=required)
        if outer is None:
            return []
        result: list[tuple[str, Reader]] = []
        for name in outer.data:
            outer.seen.add(name)
            if not NAME.fullmatch(name):
                outer.error(name, "expected a name of lower-case letters, digits and _")
                continue
            inner = outer.table(name)
            if inner is not None:
                result.append((name, inner))
        return result

    def labels(self, key: str) -> dict[str, str]:
        """A table of name = "label" pairs."""
        outer = self.table(key)
        if outer is None:
            return {}
        result: dict[str, str] = {}
        for name in outer.data:
            if not NAME.fullmatch(name):
                outer.seen.add(name)
                outer.error(name, "expected a name of lower-case letters, digits and _")
                continue
            label = outer.text(name)
            if label:
                result[name] = label
        return result

    def tables(self, key: str) -> list[Reader]:
        """An array of tables, `[[key]]` or `key = [{…}, {…}]`."""
        result: list[Reader] = []
        for index, item in enumerate(self._list(key, False)):
            path = index_path(self.key_path(key), index)
            if isinstance(item, dict):
                result.append(Reader(item, path, self.problems))
            else:
                self.problems.add(path, f"expected a table, found {_describe(item)}")
        return result


def _nonempty_text(raw: Any) -> str | None:
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, float):
        return f"the decimal number {value!r}"
    if isinstance(value, datetime.datetime):
        return f"the date and time {value.isoformat()}"
    return repr(value)
