"""Signed attendance sheets ("feuilles d'émargement"): a printable PDF register per session.

One line per expected participant, then blank lines for walk-ins, with a column for each
signature; the service's header, the programme, date, venue and facilitators above. Written with
reportlab (pure Python, no system library); DejaVu Sans is used when the machine has it (every
script of Latin, Greek and Cyrillic names), else the PDF's built-in Helvetica (Latin-1).
"""

import functools
import io
from pathlib import Path

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .selectors import SheetData

FONT_PATHS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)
BLANK_LINES = 5


@functools.cache
def pdf_fonts() -> tuple[str, str]:
    """The font names for a PDF: DejaVu Sans when installed, else Helvetica."""
    regular, bold = FONT_PATHS
    if regular.exists() and bold.exists():
        pdfmetrics.registerFont(TTFont("SheetSans", str(regular)))
        pdfmetrics.registerFont(TTFont("SheetSans-Bold", str(bold)))
        return "SheetSans", "SheetSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def register_sheet_pdf(sheet: SheetData, *, blank_lines: int = BLANK_LINES) -> bytes:
    """The sheet as PDF bytes, in the active language."""
    regular, bold = pdf_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13)
    small = ParagraphStyle(
        "small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444")
    )
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=15, leading=19)
    session = sheet.session
    starts_at = timezone.localtime(session.starts_at)
    ends_at = timezone.localtime(session.ends_at)
    when = _("%(day)s, %(start)s–%(end)s") % {
        "day": formats.date_format(starts_at, "l j F Y"),
        "start": formats.time_format(starts_at, "H:i"),
        "end": formats.time_format(ends_at, "H:i"),
    }
    story = [
        Paragraph(_text(settings.MEDIATION_SERVICE_NAME), small),
        Spacer(1, 2 * mm),
        Paragraph(_text(_("Attendance sheet")), heading),
        Paragraph(
            _text(session.programme.title),
            ParagraphStyle("title", parent=heading, fontSize=12, leading=15),
        ),
        Spacer(1, 2 * mm),
        Paragraph(_text(_("Date: %(when)s") % {"when": when}), body),
        Paragraph(
            _text(
                _("Venue: %(venue)s, %(address)s")
                % {"venue": session.venue.name, "address": session.venue.address}
            ),
            body,
        ),
        Paragraph(
            _text(_("Facilitators: %(names)s") % {"names": ", ".join(sheet.facilitators) or "—"}),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    header = [_("No."), _("Last name"), _("First name"), _("Signature")]
    rows = [
        [str(index), person.last_name.upper(), person.first_name, ""]
        for index, person in enumerate(sheet.participants, start=1)
    ]
    first_blank = len(rows) + 1
    rows += [[str(first_blank + n), "", "", ""] for n in range(blank_lines)]
    table = Table(
        [header, *rows],
        colWidths=[12 * mm, 50 * mm, 45 * mm, 68 * mm],
        rowHeights=[8 * mm] + [11 * mm] * len(rows),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), bold, 9),
                ("FONT", (0, 1), (-1, -1), regular, 10),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 4 * mm),
        Paragraph(_text(_("Blank lines are for people who came without being enrolled.")), small),
        Spacer(1, 8 * mm),
        Paragraph(_text(_("Facilitator's signature:")), body),
    ]
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Attendance sheet – %(programme)s") % {"programme": session.programme.title},
        author=settings.MEDIATION_SERVICE_NAME,
    )
    document.build(story)
    return output.getvalue()
