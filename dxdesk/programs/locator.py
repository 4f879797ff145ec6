"""Line numbers for key paths in a TOML document.

tomllib returns plain dicts without positions, so the definition checker needs a second,
much smaller pass over the source to say where a key is written. The scanner assumes the
text is valid TOML (tomllib has already accepted it) and records, for every table, key
and array element, the line where it first appears, under the same dotted path the
checker uses: `tracks.phase1.cap.limit`, `tracks.grant.checklist[2].label`.
"""

from __future__ import annotations

import json
import re
import tomllib

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def join_path(parent: str, key: str) -> str:
    """The path of `key` inside `parent`, quoting keys that are not bare TOML keys."""
    part = key if BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)
    return f"{parent}.{part}" if parent else part


def index_path(parent: str, index: int) -> str:
    return f"{parent}[{index}]"


class LineLocator:
    """Maps key paths to 1-based line numbers; unknown paths fall back to their parent."""

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        _Scanner(text, self.lines).scan()

    def line_of(self, path: str) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = _parent_path(path)
        return 1


def _parent_path(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rindex("[")]
    # Walk back over a trailing quoted key, whose text may itself contain dots.
    if path.endswith('"'):
        position = len(path) - 2
        while position >= 0:
            if path[position] == '"' and (position == 0 or path[position - 1] == "."):
                return path[: max(position - 1, 0)]
            position -= 1
        return ""
    cut = path.rfind(".")
    return path[:cut] if cut >= 0 else ""


class _Scanner:
    def __init__(self, text: str, lines: dict[str, int]) -> None:
        self.text = text
        self.position = 0
        self.line = 1
        self.lines = lines
        # Current index of each array of tables, by its resolved path.
        self.array_index: dict[str, int] = {}

    # -- low-level cursor -------------------------------------------------------------

    def peek(self, count: int = 1) -> str:
        return self.text[self.position : self.position + count]

    def advance(self, count: int = 1) -> None:
        chunk = self.text[self.position : self.position + count]
        self.line += chunk.count("\n")
        self.position += count

    def at_end(self) -> bool:
        return self.position >= len(self.text)

    def skip_blanks(self, *, newlines: bool) -> None:
        while not self.at_end():
            character = self.peek()
            if character in " \t\r" or (newlines and character == "\n"):
                self.advance()
            elif character == "#":
                while not self.at_end() and self.peek() != "\n":
                    self.advance()
            else:
                return

    def record(self, path: str, line: int) -> None:
        self.lines.setdefault(path, line)

    # -- document structure -----------------------------------------------------------

    def scan(self) -> None:
        table = ""
        while True:
            self.skip_blanks(newlines=True)
            if self.at_end():
                return
            if self.peek(2) == "[[":
                table = self.header(array=True)
            elif self.peek() == "[":
                table = self.header(array=False)
            else:
                self.key_value(table)

    def header(self, *, array: bool) -> str:
        line = self.line
        self.advance(2 if array else 1)
        parts = self.key_parts()
        self.advance(2 if array else 1)
        path = ""
        for number, part in enumerate(parts):
            path = join_path(path, part)
            last = number == len(parts) - 1
            if last and array:
                self.record(path, line)
                index = self.array_index.get(path, -1) + 1
                self.array_index[path] = index
                path = index_path(path, index)
            elif path in self.array_index:
                path = index_path(path, self.array_index[path])
            self.record(path, line)
        return path

    def key_value(self, table: str) -> None:
        line = self.line
        path = table
        for part in self.key_parts():
            path = join_path(path, part)
            self.record(path, line)
        self.skip_blanks(newlines=False)
        self.advance()  # "="
        self.skip_blanks(newlines=False)
        self.value(path)

    def key_parts(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_blanks(newlines=False)
            character = self.peek()
            if character in "\"'":
                start = self.position
                self.string()
                quoted = self.text[start : self.position]
                parts.append(tomllib.loads(f"key = {quoted}")["key"])
            else:
                match = BARE_KEY.match(self.text, self.position)
                if match is None:
                    return parts
                parts.append(match.group())
                self.advance(match.end() - self.position)
            self.skip_blanks(newlines=False)
            if self.peek() != ".":
                return parts
            self.advance()

    # -- values -----------------------------------------------------------------------

    def value(self, path: str) -> None:
        character = self.peek()
        if character in "\"'":
            self.string()
        elif character == "[":
            self.array(path)
        elif character == "{":
            self.inline_table(path)
        else:
            while not self.at_end() and self.peek() not in ",]}#\n":
                self.advance()

    def string(self) -> None:
        quote = self.peek()
        if self.peek(3) == quote * 3:
            self.advance(3)
            while not self.at_end():
                if quote == '"' and self.peek() == "\\":
                    self.advance(2)
                elif self.peek(3) == quote * 3:
                    # Up to two quotes may directly precede the closing delimiter.
                    while self.peek(4) == quote * 4:
                        self.advance()
                    self.advance(3)
                    return
                else:
                    self.advance()
            return
        self.advance()
        while not self.at_end():
            character = self.peek()
            if quote == '"' and character == "\\":
                self.advance(2)
            elif character == quote:
                self.advance()
                return
            else:
                self.advance()

    def array(self, path: str) -> None:
        self.advance()  # "["
        index = 0
        while True:
            self.skip_blanks(newlines=True)
            if self.peek() == "]":
                self.advance()
                return
            element = index_path(path, index)
            self.record(element, self.line)
            self.value(element)
            index += 1
            self.skip_blanks(newlines=True)
            if self.peek() == ",":
                self.advance()

    def inline_table(self, path: str) -> None:
        self.advance()  # "{"
        while True:
            self.skip_blanks(newlines=False)
            if self.peek() == "}":
                self.advance()
                return
            line = self.line
            key_path = path
            for part in self.key_parts():
                key_path = join_path(key_path, part)
                self.record(key_path, line)
            self.skip_blanks(newlines=False)
            self.advance()  # "="
            self.skip_blanks(newlines=False)
            self.value(key_path)
            self.skip_blanks(newlines=False)
            if self.peek() == ",":
                self.advance()
