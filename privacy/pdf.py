"""A household's export as PDF, drawn from the same HTML as the page.

reportlab is the PDF library the project already uses for signed attendance sheets (pure
Python, maintained, no system library): the export page's document (headings, paragraphs,
lists, term/value pairs) is read block by block and laid out with its platypus flowables, so
the PDF says exactly what the page says.
"""

import io
from html import escape
from html.parser import HTMLParser

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from attendance.sheets import pdf_fonts

_BLOCKS = {"h1", "h2", "h3", "h4", "p", "li", "dt", "dd"}


class _Blocks(HTMLParser):
    """(tag, text) per block; a line break inside a block is kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._tag: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._flush()
            self._tag = tag
        elif tag == "br" and self._tag:
            self._text.append("\n")

    def handle_endtag(self, tag):
        if tag == self._tag:
            self._flush()

    def handle_data(self, data):
        if self._tag:
            self._text.append(data)

    def _flush(self) -> None:
        if self._tag:
            lines = [" ".join(line.split()) for line in "".join(self._text).split("\n")]
            text = "<br/>".join(escape(line) for line in lines if line)
            if text:
                self.blocks.append((self._tag, text))
        self._tag, self._text = None, []


def export_pdf(html: str, *, title: str) -> bytes:
    regular, bold = pdf_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13, spaceAfter=3)
    styles = {
        "h1": ParagraphStyle("h1", parent=body, fontName=bold, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=bold, fontSize=13, leading=17, spaceBefore=10
        ),
        "h3": ParagraphStyle("h3", parent=body, fontName=bold, fontSize=11, spaceBefore=6),
        "h4": ParagraphStyle("h4", parent=body, fontName=bold),
        "li": ParagraphStyle("li", parent=body, leftIndent=5 * mm, bulletIndent=1 * mm),
        "dd": ParagraphStyle("dd", parent=body, leftIndent=5 * mm),
        "dt": ParagraphStyle("dt", parent=body, fontName=bold, spaceAfter=0),
    }
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    flowables = []
    for tag, text in parser.blocks:
        style = styles.get(tag, body)
        if tag == "li":
            flowables.append(Paragraph(text, style, bulletText="•"))
        else:
            flowables.append(Paragraph(text, style))
        if tag == "h1":
            flowables.append(Spacer(1, 3 * mm))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    document.build(flowables)
    return buffer.getvalue()
