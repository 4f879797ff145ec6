"""Judging an upload by its content alone: the bytes decide the kind, never the name or
the browser's Content-Type, and the name's extension must agree with them.

Each kind gets a structural check with the standard library (no image or PDF library
parses hostile bytes here): PDF header, trailer and the names that make a PDF act on its
own; JPEG segments up to the image data and its end marker; PNG chunks with their CRCs
from IHDR to IEND; xlsx and docx as ZIP packages checked before anything is inflated.
Anything that would be read as HTML by a browser sniffing the first bytes is refused.
"""

from __future__ import annotations

import codecs
import itertools
import mmap
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

from django.utils.translation import gettext as _

from dxdesk.files.models import EXTENSIONS, FileKind

# Browsers sniff at most the first 1,445 bytes (WHATWG MIME sniffing); a margin beyond.
HEAD_BYTES = 4096
# Phones reach 50 million pixels; beyond this an image is a decompression bomb for viewers.
IMAGE_MAX_PIXELS = 200_000_000
# An xlsx of 10 MB of figures inflates to roughly 100 MB of XML; a bomb to far more.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200
ZIP_RATIO_FLOOR = 1024 * 1024  # small entries (a page of spaces) may compress as they like
ZIP_PART_READ_LIMIT = 2 * 1024 * 1024  # [Content_Types].xml and .rels parts read to check
ZIP_RELATIONSHIPS_MAX_BYTES = 16 * 1024 * 1024  # all .rels parts together: a few KB in practice
PDF_OBJECT_STREAMS_MAX_BYTES = 64 * 1024 * 1024
# Objects, strings, comments and streams outside stream data; a 10 MB PDF of a thousand
# pages has some tens of thousands.
PDF_MAX_STEPS = 500_000
# Real images have a few dozen segments before the image data, and chunks of 8 KB or more.
JPEG_MAX_SEGMENTS = 10_000
PNG_MAX_CHUNKS = 100_000


class RefusalCode(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    BAD_NAME = "bad_name"
    UNKNOWN_TYPE = "unknown_type"
    CONTENT_MISMATCH = "content_mismatch"
    EXTENSION_MISMATCH = "extension_mismatch"
    POLYGLOT = "polyglot"
    DAMAGED = "damaged"
    ACTIVE_CONTENT = "active_content"
    ENCRYPTED = "encrypted"
    MACRO = "macro"
    EMBEDDED_OBJECT = "embedded_object"
    EXTERNAL_REFERENCE = "external_reference"
    ZIP_BOMB = "zip_bomb"
    TOO_COMPLEX = "too_complex"
    INFECTED = "infected"
    SCAN_FAILED = "scan_failed"


class ContentRefused(Exception):
    """The content is not accepted; `reason` says why in words for the uploader."""

    def __init__(self, code: RefusalCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def kind_for_extension(extension: str) -> FileKind | None:
    for kind, extensions in EXTENSIONS.items():
        if extension.lower() in extensions:
            return FileKind(kind)
    return None


def judge(file: IO[bytes], extension: str) -> FileKind:
    """The accepted kind of the file's content, or ContentRefused.

    `file` is a file on disk (it is memory-mapped), open for reading and not empty;
    `extension` is the name's extension without the dot, "" when it has none.
    """
    file.seek(0)
    head = file.read(HEAD_BYTES)
    found, description = _recognise(file, head)
    declared = kind_for_extension(extension)
    if found is None:
        if declared is not None:
            raise ContentRefused(
                RefusalCode.CONTENT_MISMATCH,
                _("内容が%(expected)sではありません（%(found)s）。")
                % {"expected": declared.label, "found": description},
            )
        raise ContentRefused(
            RefusalCode.UNKNOWN_TYPE,
            _("受け付けていない種類のファイルです（%(found)s）。%(accepted)s")
            % {"found": description, "accepted": accepted_kinds_sentence()},
        )
    if extension and declared != found:
        raise ContentRefused(
            RefusalCode.EXTENSION_MISMATCH,
            _("拡張子（.%(extension)s）と内容（%(found)s）が一致しません。")
            % {"extension": extension[:20], "found": found.label},
        )
    marker = html_marker(head)
    if marker:
        raise ContentRefused(
            RefusalCode.POLYGLOT,
            _("ファイルの先頭にHTMLやスクリプト（%(marker)s）が含まれています。")
            % {"marker": marker},
        )
    if found in (FileKind.XLSX, FileKind.DOCX):
        _check_office_parts(file, found)
    else:
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as view:
            if found == FileKind.PDF:
                _check_pdf(view)
            elif found == FileKind.PNG:
                _check_png(view)
            else:
                _check_jpeg(view)
    return found


def accepted_kinds_sentence() -> str:
    return _("受け付けるのはPDF、JPEG、PNG、Excel（xlsx）、Word（docx）です。")


# Tags and declarations a browser would take for HTML (or SVG, which runs scripts).
HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|frameset|object|embed|svg|img|meta"
    rb"|link|style|form|base)(?=[\s>/])|<a\s+href|javascript:",
    re.IGNORECASE,
)


def html_marker(head: bytes) -> str:
    match = HTML_MARKERS.search(head)
    return match.group(0).decode("ascii", "replace").lower() if match else ""


def _recognise(file: IO[bytes], head: bytes) -> tuple[FileKind | None, str]:
    """The accepted kind the content is (None if none) and how to describe it."""
    if head.startswith(b"%PDF-"):
        return FileKind.PDF, "PDF"
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG, "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG, "PNG"
    if head.startswith(b"PK\x03\x04"):
        return _recognise_zip(file)
    return None, describe_unaccepted(head)


def describe_unaccepted(head: bytes) -> str:
    """A few words naming what the content looks like, for the refusal message."""
    signatures: list[tuple[bytes, str]] = [
        (b"MZ", _("Windowsの実行ファイル")),
        (b"\x7fELF", _("実行ファイル")),
        (b"\xcf\xfa\xed\xfe", _("実行ファイル")),
        (b"\xca\xfe\xba\xbe", _("実行ファイル")),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            _("古い形式（.xls / .doc）またはパスワード付きのOffice文書"),
        ),
        (b"GIF8", _("GIF画像")),
        (b"\x00\x00\x01\x00", _("アイコン画像（ICO）")),
        (b"II*\x00", _("TIFF画像")),
        (b"MM\x00*", _("TIFF画像")),
        (b"{\\rtf", _("RTF文書")),
        (b"%!PS", "PostScript"),
        (b"7z\xbc\xaf\x27\x1c", _("7z圧縮ファイル")),
        (b"Rar!", _("RAR圧縮ファイル")),
        (b"\x1f\x8b", _("gzip圧縮ファイル")),
        (b"PK\x05\x06", _("空のZIP圧縮ファイル")),
    ]
    for signature, description in signatures:
        if head.startswith(signature):
            return description
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in {b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"}:
            return _("HEIC画像（JPEGで保存し直してください）")
        return _("動画など")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _("WebP画像")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        if b"<svg" in text:
            return "SVG"
        if HTML_MARKERS.search(text):
            return "HTML"
        return "XML"
    if b"\x00" not in head and _looks_like_text(head):
        return _("テキスト")
    return _("不明な形式")


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8", "shift_jis"):
        try:
            # Not final: the head may end in the middle of a character.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


# PDF ---------------------------------------------------------------------------------

PDF_DELIMITERS = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"


def _pdf_name_pattern(names: Iterable[str]) -> re.Pattern[bytes]:
    """A PDF name, also when some of its characters are written as #xx escapes (the
    usual way of hiding /JavaScript from a naive search)."""
    alternatives = []
    for name in names:
        parts = []
        for character in name:
            code = f"{ord(character):02x}"
            high, low = code[0], code[1]
            lows = low if low.isdigit() else low + low.upper()
            parts.append(f"(?:{re.escape(character)}|#{high}[{lows}])")
        alternatives.append("".join(parts))
    pattern = "/(?:" + "|".join(alternatives) + ")"
    return re.compile(pattern.encode("ascii") + rb"(?![^" + PDF_DELIMITERS + rb"])")


def _decode_pdf_name(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode(
        "latin-1"
    )


PDF_ACTIVE_NAMES = {
    "JS": "JavaScript",
    "JavaScript": "JavaScript",
    "Launch": "Launch",
    "EmbeddedFile": "EmbeddedFile",
    "EmbeddedFiles": "EmbeddedFile",
    "RichMedia": "RichMedia",
    "XFA": "XFA",
    "Encrypt": "Encrypt",
}
# One pass over the objects: strings, comments and stream data are skipped (a name
# mentioned in text, or bytes of a compressed image that happen to spell /JS, do
# nothing), every other occurrence of a name above refuses the file. This is a scan,
# not a full parser: a viewer repairing a deliberately broken file may still see
# objects it skips, which is why downloads are sandboxed and clamd can look too.
PDF_TOKENS = re.compile(
    rb"(?P<string>\()|(?P<comment>%)|(?P<stream>(?<![A-Za-z])stream(?:\r\n|\n|\r))"
    rb"|(?P<object>(?<![A-Za-z])obj(?![A-Za-z]))|(?P<name>"
    + _pdf_name_pattern(sorted(PDF_ACTIVE_NAMES, key=len, reverse=True)).pattern
    + rb")"
)
PDF_STRING_SPECIALS = re.compile(rb"[()\\]")
PDF_LINE_END = re.compile(rb"[\r\n]")
PDF_OBJECT_STREAM = _pdf_name_pattern(["ObjStm"])
PDF_NAME = re.compile(rb"/([^" + PDF_DELIMITERS + rb"]+)")
PDF_FLATE = {"FlateDecode", "Fl"}


def _check_pdf(view: mmap.mmap) -> None:
    if not re.match(rb"%PDF-[12]\.\d", view):
        raise _damaged("PDF", _("先頭のバージョン表記が不正です"))
    tail = view[-2048:]
    end = tail.rstrip(b"\x00\t\n\x0c\r ")
    if not end.endswith(b"%%EOF"):
        if b"%%EOF" in tail:
            raise ContentRefused(
                RefusalCode.POLYGLOT,
                _("PDFの終わり（%(marker)s）の後に別のデータが付いています。")
                % {"marker": "%%EOF"},
            )
        raise _damaged("PDF", _("終わり（%(marker)s）がありません") % {"marker": "%%EOF"})
    if b"startxref" not in tail:
        raise _damaged("PDF", _("相互参照表の位置（startxref）がありません"))
    budget = _PdfBudget(inflated_bytes=PDF_OBJECT_STREAMS_MAX_BYTES, steps=PDF_MAX_STEPS)
    _scan_pdf_objects(view, budget, in_object_stream=False)


@dataclass
class _PdfBudget:
    """Bounds on the work one PDF may cause: bytes inflated, and steps of the scan (a
    file of ten million empty strings would otherwise take a minute)."""

    inflated_bytes: int
    steps: int

    def step(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise _too_complex("PDF")


def _scan_pdf_objects(
    data: mmap.mmap | bytes, budget: _PdfBudget, *, in_object_stream: bool
) -> None:
    """Refuse the first active name outside strings, comments and streams; look inside
    compressed object streams too."""
    position, end = 0, len(data)
    dictionary_start = 0
    while match := PDF_TOKENS.search(data, position, end):
        budget.step()
        part = match.lastgroup
        position = match.end()
        if part == "string":
            position = _skip_pdf_string(data, position, end, budget)
        elif part == "comment":
            line_end = PDF_LINE_END.search(data, position, end)
            position = line_end.end() if line_end else end
        elif part == "object":
            dictionary_start = position
        elif part == "stream":
            if in_object_stream:
                raise _damaged("PDF", _("オブジェクトストリームの中にストリームがあります"))
            data_end = data.find(b"endstream", position)
            if data_end < 0:
                raise _damaged("PDF", _("ストリームが途中で切れています"))
            dictionary = data[min(dictionary_start, match.start()) : match.start()]
            if PDF_OBJECT_STREAM.search(dictionary):
                inflated = _inflate_object_stream(dictionary, data[position:data_end], budget)
                _scan_pdf_objects(inflated, budget, in_object_stream=True)
            position = dictionary_start = data_end + len(b"endstream")
        else:
            _refuse_active_pdf_name(match.group("name"))


def _skip_pdf_string(data: mmap.mmap | bytes, position: int, end: int, budget: _PdfBudget) -> int:
    """Where the literal string opened just before `position` closes: parentheses nest
    and a backslash escapes the next character."""
    depth = 1
    while depth:
        budget.step()
        special = PDF_STRING_SPECIALS.search(data, position, end)
        if special is None:
            # Skipping to the end would hide everything after it from the scan.
            raise _damaged("PDF", _("閉じていない文字列があります"))
        character = data[special.start()]
        if character == 0x5C:
            position = special.start() + 2
            continue
        depth += 1 if character == 0x28 else -1
        position = special.end()
    return position


def _refuse_active_pdf_name(raw: bytes) -> None:
    found = PDF_ACTIVE_NAMES[_decode_pdf_name(raw[1:])]
    if found == "Encrypt":
        raise ContentRefused(
            RefusalCode.ENCRYPTED,
            _(
                "パスワードや保護のかかったPDFは受け付けられません。保護を外して保存し直してください。"
            ),
        )
    what = {
        "JavaScript": "JavaScript",
        "Launch": _("他のプログラムを起動する命令（Launch）"),
        "EmbeddedFile": _("埋め込みファイル"),
        "RichMedia": _("Flashなどのリッチメディア"),
        "XFA": _("XFAフォーム（スクリプトを含められる形式）"),
    }[found]
    raise ContentRefused(
        RefusalCode.ACTIVE_CONTENT,
        _("PDFに%(what)sが含まれています。印刷機能で「PDFとして保存」し直すと取り除けます。")
        % {"what": what},
    )


def _inflate_object_stream(dictionary: bytes, data: bytes, budget: _PdfBudget) -> bytes:
    """The objects packed in a compressed object stream, where a /JavaScript action can
    hide from a search of the raw bytes."""
    filters = {
        name
        for name in (_decode_pdf_name(raw) for raw in PDF_NAME.findall(dictionary))
        if name.endswith("Decode") or name in {"Fl", "AHx", "A85", "LZW", "RL"}
    }
    if not filters:
        return data
    if not filters <= PDF_FLATE:
        raise _damaged(
            "PDF",
            _("確認できない圧縮方式（%(filters)s）が使われています")
            % {"filters": ", ".join(sorted(filters))},
        )
    try:
        inflated = zlib.decompressobj().decompress(data, budget.inflated_bytes + 1)
    except zlib.error as error:
        raise _damaged("PDF", _("圧縮されたデータが壊れています")) from error
    budget.inflated_bytes -= len(inflated)
    if budget.inflated_bytes < 0:
        raise ContentRefused(
            RefusalCode.ZIP_BOMB, _("PDFの圧縮されたデータが大きすぎて確認できません。")
        )
    return inflated


# Images ------------------------------------------------------------------------------


def _check_png(view: mmap.mmap) -> None:
    size = len(view)
    position = 8
    chunk_count = 0
    seen_image_data = False
    while True:
        if chunk_count > PNG_MAX_CHUNKS:
            raise _too_complex(_("PNG画像"))
        if position + 12 > size:
            raise _damaged(_("PNG画像"), _("終わり（IEND）がありません"))
        length, chunk_type = struct.unpack_from(">I4s", view, position)
        data_end = position + 8 + length
        if length > 0x7FFFFFFF or data_end + 4 > size:
            raise _damaged(_("PNG画像"), _("データが途中で切れています"))
        if not chunk_type.isalpha():
            raise _damaged(_("PNG画像"), _("不正なチャンクがあります"))
        (checksum,) = struct.unpack_from(">I", view, data_end)
        if zlib.crc32(view[position + 4 : data_end]) != checksum:
            raise _damaged(
                _("PNG画像"),
                _("%(chunk)sのチェックサムが一致しません") % {"chunk": chunk_type.decode()},
            )
        if chunk_count == 0:
            if chunk_type != b"IHDR" or length != 13:
                raise _damaged(_("PNG画像"), _("最初のチャンクがIHDRではありません"))
            width, height = struct.unpack_from(">II", view, position + 8)
            _check_dimensions(_("PNG画像"), width, height)
        seen_image_data = seen_image_data or chunk_type == b"IDAT"
        chunk_count += 1
        position = data_end + 4
        if chunk_type == b"IEND":
            break
    if not seen_image_data:
        raise _damaged(_("PNG画像"), _("画像データ（IDAT）がありません"))
    if position != size:
        raise ContentRefused(
            RefusalCode.POLYGLOT, _("PNG画像の終わり（IEND）の後に別のデータが付いています。")
        )


JPEG_FRAME_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
JPEG_STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}
JPEG_START_OF_SCAN = 0xDA
JPEG_END = 0xD9
# What phones keep after a photo (depth maps, previews, motion video) is allowed; these
# would make the file open as something else in a tool that reads it from the end.
# (Letter classes rather than re.IGNORECASE: six times faster over 10 MB of video.)
TRAILER_MARKERS = re.compile(
    rb"PK(?:\x03\x04|\x01\x02|\x05\x06)|%PDF-"
    rb"|<(?:[sS][cC][rR][iI][pP][tT]|[hH][tT][mM][lL]|[sS][vV][gG])"
)


def _check_jpeg(view: mmap.mmap) -> None:
    size = len(view)
    position = 2
    dimensions: tuple[int, int] | None = None
    for _step in range(JPEG_MAX_SEGMENTS):
        if position + 4 > size or view[position] != 0xFF:
            raise _damaged(_("JPEG画像"), _("画像データの前の構造が不正です"))
        marker = view[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        position += 2
        if marker in JPEG_STANDALONE_MARKERS:
            continue
        if marker == JPEG_END:
            raise _damaged(_("JPEG画像"), _("画像データがありません"))
        (length,) = struct.unpack_from(">H", view, position)
        if length < 2 or position + length > size:
            raise _damaged(_("JPEG画像"), _("データが途中で切れています"))
        if marker in JPEG_FRAME_MARKERS and length >= 7:
            height, width = struct.unpack_from(">HH", view, position + 3)
            dimensions = (width, height)
        position += length
        if marker == JPEG_START_OF_SCAN:
            break
    else:
        raise _too_complex(_("JPEG画像"))
    if dimensions is None:
        raise _damaged(_("JPEG画像"), _("画像の大きさ（SOF）がありません"))
    _check_dimensions(_("JPEG画像"), *dimensions)
    # Inside the compressed image data every 0xFF is followed by 0x00 or a restart
    # marker, so the first FF D9 after the scan starts is the image's end.
    end = view.find(b"\xff\xd9", position)
    if end < 0:
        raise _damaged(_("JPEG画像"), _("終わり（EOI）がありません"))
    if TRAILER_MARKERS.search(view, end + 2):
        raise ContentRefused(
            RefusalCode.POLYGLOT,
            _("JPEG画像の終わりの後に、別の形式のデータ（ZIP、PDF、HTMLなど）が付いています。"),
        )


def _check_dimensions(label: str, width: int, height: int) -> None:
    if width == 0 or height == 0:
        raise _damaged(label, _("画像の幅または高さが0です"))
    if width * height > IMAGE_MAX_PIXELS:
        raise ContentRefused(
            RefusalCode.TOO_LARGE,
            _("画像の画素数が多すぎます（%(width)d×%(height)d）。")
            % {"width": width, "height": height},
        )


def _too_complex(label: str) -> ContentRefused:
    return ContentRefused(
        RefusalCode.TOO_COMPLEX,
        _("%(kind)sの構造が複雑すぎて確認できません。") % {"kind": label},
    )


def _damaged(label: str, detail: str) -> ContentRefused:
    return ContentRefused(
        RefusalCode.DAMAGED,
        _("%(kind)sとして壊れているか、構造が不正です（%(detail)s）。")
        % {"kind": label, "detail": detail},
    )


# xlsx and docx -----------------------------------------------------------------------

OFFICE_MAIN_PARTS = {"xl/workbook.xml": FileKind.XLSX, "word/document.xml": FileKind.DOCX}
OTHER_PACKAGES = {
    "ppt/presentation.xml": "PowerPoint（pptx）",
    "xl/workbook.bin": _("Excelバイナリブック（xlsb）"),
    "mimetype": "OpenDocument",
    "meta-inf/manifest.mf": _("Javaアーカイブ"),
}


def _recognise_zip(file: IO[bytes]) -> tuple[FileKind | None, str]:
    """Check the ZIP container before anything in it is inflated, then say which
    package it is."""
    archive = _open_zip(file)
    with archive:
        names = {info.filename.casefold() for info in archive.infolist()}
    if "[content_types].xml" in names:
        for part, kind in OFFICE_MAIN_PARTS.items():
            if part in names:
                return kind, str(kind.label)
    for part, description in OTHER_PACKAGES.items():
        if part in names:
            return None, str(description)
    return None, _("ZIP圧縮ファイル")


def _open_zip(file: IO[bytes]) -> zipfile.ZipFile:
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise _odd_zip(_("ZIPとして読めません")) from error
    try:
        _check_zip_entries(archive, file)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_zip_entries(archive: zipfile.ZipFile, file: IO[bytes]) -> None:
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ContentRefused(
            RefusalCode.ZIP_BOMB,
            _("圧縮ファイルの中身が多すぎます（%(count)d個、上限%(limit)d個）。")
            % {"count": len(entries), "limit": ZIP_MAX_ENTRIES},
        )
    # Without a comment the end record is the file's last 22 bytes; anything after it
    # (which zipfile would ignore) is another file riding along.
    file.seek(-22, 2)
    end_record = file.read(22)
    if archive.comment or not (end_record.startswith(b"PK\x05\x06") and end_record[-2:] == b"\0\0"):
        raise ContentRefused(RefusalCode.POLYGLOT, _("ZIPの終わりの後に別のデータが付いています。"))
    seen: set[str] = set()
    total = 0
    for entry in entries:
        name = entry.filename
        parts = name.split("/")
        if (
            name.startswith("/")
            or "\\" in name
            or ".." in parts
            or ":" in name
            or any(ord(character) < 32 for character in name)
        ):
            raise _odd_zip(_("中のファイル名が不正です（%(name)s）") % {"name": name[:100]})
        # Package part names are compared without regard to case (ECMA-376 part 2).
        if name.casefold() in seen:
            raise _odd_zip(_("同じ名前の中身が2つあります（%(name)s）") % {"name": name[:100]})
        seen.add(name.casefold())
        if entry.flag_bits & 0x1:
            raise ContentRefused(
                RefusalCode.ENCRYPTED,
                _(
                    "パスワード付きのファイルは受け付けられません。保護を外して保存し直してください。"
                ),
            )
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _odd_zip(_("対応していない圧縮方式です"))
        total += entry.file_size
        if entry.file_size > ZIP_RATIO_FLOOR and entry.file_size > ZIP_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise _zip_bomb(entry.file_size, entry.file_size // max(entry.compress_size, 1))
    if total > ZIP_MAX_TOTAL_BYTES:
        raise _zip_bomb(total, total // max(sum(e.compress_size for e in entries), 1))
    # Entries sharing compressed bytes are the trick of the "overlapping" zip bombs.
    by_offset = sorted(entries, key=lambda entry: entry.header_offset)
    for entry, following in itertools.pairwise(by_offset):
        if entry.header_offset + 30 + entry.compress_size > following.header_offset:
            raise _odd_zip(_("中身のデータが重なっています"))
    if by_offset and by_offset[0].header_offset != 0:
        raise ContentRefused(RefusalCode.POLYGLOT, _("ZIPの前に別のデータが付いています。"))


def _zip_bomb(inflated: int, ratio: int) -> ContentRefused:
    return ContentRefused(
        RefusalCode.ZIP_BOMB,
        _("展開すると大きくなりすぎる圧縮ファイルです（展開後%(size)s、圧縮率%(ratio)d倍）。")
        % {"size": describe_size(inflated), "ratio": ratio},
    )


def _odd_zip(detail: str) -> ContentRefused:
    return ContentRefused(
        RefusalCode.DAMAGED,
        _("ZIP（Office文書）として壊れているか、構造が不正です（%(detail)s）。")
        % {"detail": detail},
    )


RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.IGNORECASE)
EXTERNAL_TARGET = re.compile(rb"""TargetMode\s*=\s*["']External["']""", re.IGNORECASE)
RELATIONSHIP_TYPE = re.compile(rb"""\bType\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
# Everything else that points outside the file (a template, an OLE object, a frame, a
# linked picture or workbook) is fetched or run when the document opens.
ALLOWED_EXTERNAL_TYPES = {b"hyperlink"}
EMBEDDED_ALLOWED_EXTENSIONS = (".xlsx", ".docx", ".pptx", ".png", ".jpeg", ".jpg", ".emf", ".wmf")


def _check_office_parts(file: IO[bytes], kind: FileKind) -> None:
    with _open_zip(file) as archive:
        for entry in archive.infolist():
            name = entry.filename.casefold()
            base = name.rsplit("/", 1)[-1]
            if base in {"vbaproject.bin", "vbadata.xml"}:
                raise _macro()
            if "/activex/" in f"/{name}" or base.startswith("oleobject"):
                raise _embedded_object()
            if "/embeddings/" in f"/{name}" and not base.endswith(EMBEDDED_ALLOWED_EXTENSIONS):
                raise _embedded_object()
        content_types = _read_part(archive, "[Content_Types].xml").lower()
        if b"macroenabled" in content_types or b"vbaproject" in content_types:
            raise _macro()
        if b"activex" in content_types or b"oleobject" in content_types:
            raise _embedded_object()
        relationships = [
            entry for entry in archive.infolist() if entry.filename.casefold().endswith(".rels")
        ]
        if sum(entry.file_size for entry in relationships) > ZIP_RELATIONSHIPS_MAX_BYTES:
            raise _too_complex(str(kind.label))
        for entry in relationships:
            _check_relationships(_read_entry(archive, entry))


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    for entry in archive.infolist():
        if entry.filename.casefold() == name.casefold():
            return _read_entry(archive, entry)
    return b""


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(entry) as part:
            return part.read(ZIP_PART_READ_LIMIT)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise _odd_zip(_("%(name)sが壊れています") % {"name": entry.filename[:100]}) from error


def _check_relationships(relationships: bytes) -> None:
    for element in RELATIONSHIP.findall(relationships):
        if not EXTERNAL_TARGET.search(element):
            continue
        relationship_type = RELATIONSHIP_TYPE.search(element)
        type_name = relationship_type.group(1).rsplit(b"/", 1)[-1] if relationship_type else b""
        if type_name.lower() not in ALLOWED_EXTERNAL_TYPES:
            raise ContentRefused(
                RefusalCode.EXTERNAL_REFERENCE,
                _(
                    "外部のファイルやサイトを開く部品（%(type)s）を含む文書は受け付けられません。"
                    "リンクを解除して保存し直してください。"
                )
                % {"type": type_name.decode("ascii", "replace")[:60]},
            )


def _macro() -> ContentRefused:
    return ContentRefused(
        RefusalCode.MACRO,
        _(
            "マクロ（VBA）を含むファイルは受け付けられません。"
            "マクロなしの形式（.xlsx / .docx）で保存し直してください。"
        ),
    )


def _embedded_object() -> ContentRefused:
    return ContentRefused(
        RefusalCode.EMBEDDED_OBJECT,
        _(
            "ActiveXコントロールや埋め込みオブジェクト（OLE）を含む文書は受け付けられません。"
            "PDFにして提出してください。"
        ),
    )


def describe_size(size: int) -> str:
    if size < 1024:
        return _("%(size)dバイト") % {"size": size}
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes == int(megabytes) else f"{megabytes:.1f} MB"
