"""Small files of every accepted kind and an attack corpus, built in code."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


class RawUpload:
    """An upload exactly as a client sent it: no basename taken, any declared size."""

    def __init__(self, name: str, content: bytes, size: int | None = None) -> None:
        self.name = name
        self.content = content
        self.size = len(content) if size is None else size

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        step = chunk_size or 64 * 1024
        for start in range(0, len(self.content), step):
            yield self.content[start : start + step]


# PDF --------------------------------------------------------------------------------


def pdf(
    *,
    catalog_extra: bytes = b"",
    objects: tuple[bytes, ...] = (),
    trailer_extra: bytes = b"",
    head: bytes = b"",
    after_end: bytes = b"",
    content: bytes = b"0 0 m 100 100 l S",
) -> bytes:
    """A one-page PDF with a correct cross-reference table; `objects` become 5 0 obj…"""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *objects,
    ]
    output = io.BytesIO()
    output.write(b"%PDF-1.7\n" + head + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_at = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    for offset in offsets:
        output.write(b"%010d 00000 n \n" % offset)
    output.write(
        b"trailer\n<< /Size %d /Root 1 0 R " % (len(bodies) + 1)
        + trailer_extra
        + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return output.getvalue() + after_end


def object_stream(objects: bytes) -> bytes:
    """An object stream (PDF 1.5) holding object 6, deflated."""
    header = b"6 0 "
    packed = zlib.compress(header + objects)
    return (
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream"
    )


# Images -----------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(
    *, width: int = 2, height: int = 2, extra_chunks: bytes = b"", after_end: bytes = b""
) -> bytes:
    """A grey image: IHDR, optional chunks, IDAT, IEND."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(min(height, 4)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + extra_chunks
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
        + after_end
    )


def jpeg(*, after_end: bytes = b"", comment: bytes = b"") -> bytes:
    """An 8×8 grey baseline JPEG: one block whose only coefficient is a DC of 0, coded
    with one-symbol Huffman tables (DC category 0 and AC end-of-block are both "0")."""

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    single_code = bytes([1] + [0] * 15) + b"\x00"
    parts = [
        b"\xff\xd8",
        segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
        segment(0xFE, comment) if comment else b"",
        segment(0xDB, b"\x00" + b"\x01" * 64),
        segment(0xC0, b"\x08" + struct.pack(">HH", 8, 8) + b"\x01\x01\x11\x00"),
        segment(0xC4, b"\x00" + single_code),
        segment(0xC4, b"\x10" + single_code),
        segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
        b"\x3f",  # DC "0", end of block "0", padded with ones
        b"\xff\xd9",
    ]
    return b"".join(parts) + after_end


# xlsx and docx ----------------------------------------------------------------------


def xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["品目", "金額"])
    sheet.append(["会計ソフト", 120000])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


DOCX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELATIONSHIPS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCX_DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>\xe4\xba\x8b\xe6\xa5\xad\xe8\xa8\x88\xe7\x94\xbb</w:t></w:r></w:p>"
    b"</w:body></w:document>"
)


def docx(extra: dict[str, bytes] | None = None, content_types: bytes = DOCX_CONTENT_TYPES) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", DOCX_RELATIONSHIPS)
        archive.writestr("word/document.xml", DOCX_DOCUMENT)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return output.getvalue()


MEGABYTE = 1024 * 1024


@functools.cache
def deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    """Raw deflate data for `megabytes` MB of zeros, and its CRC-32, without ever holding
    or compressing the whole: one megabyte compressed after a full flush (so it refers to
    nothing before it) is repeated, then a final empty block closes the stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MEGABYTE)) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    checksum = 0
    zeros = bytes(MEGABYTE)
    for _ in range(megabytes):
        checksum = zlib.crc32(zeros, checksum)
    return block * megabytes + final, checksum


def zip_bomb_docx(megabytes: int = 200) -> bytes:
    """A docx whose one extra part inflates to `megabytes` MB of zeros, written entry by
    entry since zipfile would have to compress the whole of it."""
    data, checksum = deflated_zeros(megabytes)
    entries = [
        deflated_entry("[Content_Types].xml", DOCX_CONTENT_TYPES),
        deflated_entry("_rels/.rels", DOCX_RELATIONSHIPS),
        deflated_entry("word/document.xml", DOCX_DOCUMENT),
        ("word/media/image1.png", data, checksum, megabytes * MEGABYTE),
    ]
    return raw_zip(entries)


def deflated_entry(name: str, content: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return (
        name,
        compressor.compress(content) + compressor.flush(),
        zlib.crc32(content),
        len(content),
    )


def raw_zip(entries: list[tuple[str, bytes, int, int]], *, encrypted: str = "") -> bytes:
    """A ZIP of deflated entries (name, deflated data, CRC-32, inflated size); the entry
    named `encrypted` is flagged as encrypted (zipfile cannot write one)."""
    output = io.BytesIO()
    directory = io.BytesIO()
    for name, data, checksum, size in entries:
        encoded = name.encode()
        offset = output.tell()
        flags = 0x1 if name == encrypted else 0
        fields = struct.pack("<HHHHHIII", 20, flags, 8, 0, 0x21, checksum, len(data), size)
        output.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded)
        output.write(data)
        directory.write(
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, offset)
            + encoded
        )
    start = output.tell()
    central = directory.getvalue()
    output.write(central)
    output.write(
        b"PK\x05\x06"
        + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(central), start, 0)
    )
    return output.getvalue()


# Test viruses -----------------------------------------------------------------------

# Split so that no scanner flags this source file itself.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
