"""The generated report as PDF (reportlab) and as an Excel workbook (openpyxl).

The PDF uses reportlab's built-in Japanese CID fonts (平成明朝, 平成角ゴシック): the
reader's PDF viewer supplies the glyphs, so no font file ships with dxdesk.
"""

from __future__ import annotations

import functools
import io
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from dxdesk.reporting.content import (
    ANNEX_TITLE,
    MEASURES_HEADING,
    MEASURES_INTRO,
    OTHER_HEADING,
    PREAMBLE,
    TITLE,
    MeasureLine,
    ReportContent,
    Table,
)

MINCHO, GOTHIC = "HeiseiMin-W3", "HeiseiKakuGo-W5"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN


@functools.cache
def pdf_styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))
    pdfmetrics.registerFont(UnicodeCIDFont(GOTHIC))
    # wordWrap="CJK" breaks Japanese lines between any two characters, as Japanese is set.
    body = ParagraphStyle("body", fontName=MINCHO, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": body,
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=body, fontName=GOTHIC, fontSize=16, leading=24, alignment=TA_CENTER
        ),
        "heading": ParagraphStyle("heading", parent=body, fontName=GOTHIC, fontSize=12, leading=18),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=12),
        "note": ParagraphStyle("note", parent=body, leftIndent=12, fontSize=9.5, leading=14),
    }


def pdf_text(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), pdf_styles()[style])


class Choice(Flowable):  # type: ignore[misc]
    """ "（変更なし・変更あり）" with the chosen word circled, as on the paper form."""

    def __init__(self, options: tuple[str, str], chosen: int, size: float = 10.5) -> None:
        super().__init__()
        self.options, self.chosen, self.size = options, chosen, size
        self.parts = ["（", options[0], "・", options[1], "）"]
        self.width = sum(pdfmetrics.stringWidth(part, MINCHO, size) for part in self.parts)
        self.height = size * 1.6

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setFont(MINCHO, self.size)
        x, baseline = 0.0, self.size * 0.45
        for index, part in enumerate(self.parts):
            width = pdfmetrics.stringWidth(part, MINCHO, self.size)
            canvas.drawString(x, baseline, part)
            if index == 1 + 2 * self.chosen:
                canvas.setLineWidth(0.8)
                canvas.ellipse(x - 2, baseline - 3.5, x + width + 2, baseline + self.size + 0.5)
            x += width


def _measure(line: MeasureLine) -> list[Flowable]:
    row = PdfTable(
        [[pdf_text(line.label), Choice(line.options, line.chosen)]],
        # The measures sit in a cell spanning the form's width, less its padding.
        colWidths=[TEXT_WIDTH - 12 - 50 * mm, 50 * mm],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    return [row, *(pdf_text(f"{label} : {text}", "note") for label, text in line.notes)]


def pdf_grid(table: Table, width: float) -> list[Flowable]:
    total = sum(table.widths)
    widths = [width * part / total for part in table.widths]
    header = [pdf_text(cell, "small") for cell in table.header]
    rows = [[pdf_text(cell, "small") for cell in row] for row in table.rows]
    if not rows:
        rows = [[pdf_text("該当なし", "small")] + [pdf_text("", "small")] * (len(header) - 1)]
    grid = PdfTable([header, *rows], colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    flowables: list[Flowable] = [Spacer(1, 4 * mm), pdf_text(table.title, "heading"), grid]
    if table.footnote:
        flowables.append(pdf_text(table.footnote, "small"))
    return flowables


def _cover(content: ReportContent) -> list[Flowable]:
    reporter = PdfTable(
        [[pdf_text(label), pdf_text(value)] for label, value in content.reporter],
        colWidths=[22 * mm, 68 * mm],
        hAlign="RIGHT",
    )
    rows: list[list[Any]] = [
        [pdf_text(label), pdf_text(value)] for label, value in content.cover_rows
    ]
    rows.append([pdf_text(MEASURES_HEADING), ""])
    measures: list[Flowable] = [pdf_text(MEASURES_INTRO), Spacer(1, 2 * mm)]
    for line in content.measures:
        measures += _measure(line)
    rows.append([measures, ""])
    rows.append([[pdf_text(OTHER_HEADING), pdf_text(content.other_notes, "note")], ""])
    last = len(rows) - 1
    form = PdfTable(rows, colWidths=[40 * mm, TEXT_WIDTH - 40 * mm])
    form.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.7, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("SPAN", (0, 3), (1, 3)),
                ("SPAN", (0, last - 1), (1, last - 1)),
                ("SPAN", (0, last), (1, last)),
                ("BACKGROUND", (0, 3), (1, 3), colors.Color(0.93, 0.93, 0.93)),
            ]
        )
    )
    return [
        pdf_text(content.dated, "right"),
        Spacer(1, 4 * mm),
        pdf_text(f"{content.addressee}　様"),
        Spacer(1, 4 * mm),
        reporter,
        Spacer(1, 8 * mm),
        pdf_text(TITLE, "title"),
        Spacer(1, 6 * mm),
        pdf_text(PREAMBLE),
        Spacer(1, 4 * mm),
        pdf_text("記", "center"),
        Spacer(1, 4 * mm),
        form,
    ]


def _annex(content: ReportContent) -> list[Flowable]:
    summary = PdfTable(
        [[pdf_text(label, "small"), pdf_text(value, "small")] for label, value in content.summary],
        colWidths=[55 * mm, TEXT_WIDTH - 55 * mm],
    )
    summary.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    flowables: list[Flowable] = [pdf_text(ANNEX_TITLE, "heading"), Spacer(1, 3 * mm), summary]
    for table in content.tables:
        flowables += pdf_grid(table, TEXT_WIDTH)
    return flowables


def draw_page_number(canvas: Canvas, document: Any) -> None:
    canvas.saveState()
    canvas.setFont(MINCHO, 8)
    canvas.drawCentredString(PAGE_WIDTH / 2, 10 * mm, f"- {document.page} -")
    canvas.restoreState()


def a4_document(buffer: io.BytesIO, title: str) -> SimpleDocTemplate:
    """An A4 document with the margins of every PDF dxdesk hands to the client."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="dxdesk",
    )


def report_pdf(content: ReportContent) -> bytes:
    buffer = io.BytesIO()
    document = a4_document(buffer, f"{TITLE}（{content.month:%Y年%m月}分）")
    story = [*_cover(content), PageBreak(), *_annex(content)]
    document.build(story, onFirstPage=draw_page_number, onLaterPages=draw_page_number)
    return buffer.getvalue()


# -- workbook -----------------------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)
SHADE = PatternFill("solid", fgColor="EEEEEE")


def report_xlsx(content: ReportContent) -> bytes:
    workbook = Workbook()
    form = workbook.active
    form.title = "報告書"
    _form_sheet(form, content)
    summary = workbook.create_sheet("取扱実績")
    summary.append(["項目", "内容"])
    for label, value in content.summary:
        summary.append([label.strip(), value])
    _finish(summary, (36, 90))
    for table in content.tables:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append(list(table.header))
        for row in table.rows:
            sheet.append([_number_or_text(cell) for cell in row])
        if table.footnote:
            sheet.append([table.footnote])
        _finish(sheet, tuple(part * 7 for part in table.widths))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _form_sheet(sheet: Any, content: ReportContent) -> None:
    """The 別添 top to bottom: label in A, answer in B, detail in C."""
    sheet["A1"] = TITLE
    sheet["A1"].font = Font(bold=True, size=14)
    rows: list[tuple[str, str, str]] = [
        ("報告日", content.dated, ""),
        ("宛先", f"{content.addressee}　様", ""),
        *((label.replace("　", ""), value, "") for label, value in content.reporter),
        (PREAMBLE, "", ""),
        *((label, value, "") for label, value in content.cover_rows),
        (MEASURES_HEADING, "", ""),
        (MEASURES_INTRO, "", ""),
    ]
    for line in content.measures:
        rows.append((line.label, line.options[line.chosen], ""))
        rows += [(label, "", text) for label, text in line.notes]
    rows.append((OTHER_HEADING, content.other_notes, ""))
    for offset, (label, answer, detail) in enumerate(rows, start=2):
        sheet.cell(offset, 1, label)
        sheet.cell(offset, 2, answer)
        sheet.cell(offset, 3, detail)
        for column in (1, 2, 3):
            sheet.cell(offset, column).alignment = WRAP
            sheet.cell(offset, column).border = BOX
        if label == MEASURES_HEADING:
            for column in (1, 2, 3):
                sheet.cell(offset, column).fill = SHADE
    for letter, width in zip("ABC", (48, 24, 60), strict=True):
        sheet.column_dimensions[letter].width = width


def _finish(sheet: Any, widths: tuple[float, ...]) -> None:
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = SHADE
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(width, 8)
    sheet.freeze_panes = "A2"


def _number_or_text(cell: str) -> int | str:
    """Counts as numbers, so the client can sum them; everything else as text."""
    plain = cell.replace(",", "")
    return int(plain) if plain.isdigit() else cell
