"""Letters and statements as PDF, drawn with ReportLab: about 10 ms of CPU per document.

    document_pdf(*, subject: str, html: str, letterhead: dict[str, str], language: str) -> bytes

The body comes from the editable templates as a small HTML (``h1``–``h3``, ``p`` with the
classes ``to``, ``bank``, ``closing`` and ``signature``, ``table`` with ``thead``/``tbody``/
``tfoot``, ``th``/``td`` with ``class="num"`` and ``colspan``, ``ul``/``ol``, ``br``,
``strong``/``b``, ``u``); any other tag keeps its text. The page carries the letterhead, the
body and the page number ("1 / 2").

The Chinese font is a TrueType CJK font from Debian (``fonts-wqy-microhei``, else
``fonts-droid-fallback``), embedded as a subset of the glyphs used, with a ToUnicode map so
that the text can be searched and copied. WeasyPrint (Pango layout, HarfBuzz subsetting of
the 16 MB Noto Sans CJK collection) took 0.25–0.4 s per page; this takes about 10 ms. The
font has one weight, so ``strong`` is set in the letterhead's red rather than in bold.
The output is byte-for-byte the same for the same input (``invariant``), so a statement can
be cached by the hash of what it shows.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from huikuan.core.errors import ApplicationError

# Part of a kept statement's hash: a change to the drawing renders kept statements again.
RENDERER_VERSION = "reportlab-1"
FONT = "HuikuanCJK"
# Debian's TrueType CJK fonts, in order of preference (ReportLab embeds TrueType outlines,
# not the CFF outlines of Noto Sans CJK).
FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
ACCENT_HEX = "#8b1a1a"
ACCENT = colors.HexColor(ACCENT_HEX)
GREY = colors.HexColor("#444444")
# Binary streams, not ASCII85-encoded: a fifth smaller and quicker to write.
rl_config.useA85 = 0
PAGE_MARGINS = {"leftMargin": 20 * mm, "rightMargin": 20 * mm, "topMargin": 20 * mm, "bottomMargin": 18 * mm}


class FontMissing(ApplicationError):
    pass


@cache
def font_name() -> str:
    """Register the CJK font once per process (about 80 ms) and return its ReportLab name."""
    for path in FONT_FILES:
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            # One weight: bold and italic runs use the same face (emphasis is by colour).
            pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
            return FONT
    raise FontMissing(
        "no CJK TrueType font for letters: install the Debian package fonts-wqy-microhei "
        f"(looked for {', '.join(str(path) for path in FONT_FILES)})"
    )


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=font_name(), fontSize=10.5, leading=17, textColor=colors.HexColor("#111111"),
        wordWrap="CJK", spaceAfter=2.5 * mm,
    )  # fmt: skip
    return {
        "body": base,
        "h1": ParagraphStyle("h1", parent=base, fontSize=18, leading=24, alignment=TA_CENTER,
                             spaceBefore=2 * mm, spaceAfter=6 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontSize=14, leading=20, spaceBefore=3 * mm),
        "h3": ParagraphStyle("h3", parent=base, fontSize=12, leading=18, spaceBefore=2 * mm),
        "bank": ParagraphStyle("bank", parent=base, fontSize=9.5, leading=15, borderWidth=0.5,
                               borderColor=colors.HexColor("#bbbbbb"), borderPadding=(2 * mm, 3 * mm),
                               leftIndent=3 * mm, rightIndent=3 * mm, spaceBefore=3 * mm, spaceAfter=5 * mm),
        "signature": ParagraphStyle("signature", parent=base, alignment=TA_RIGHT, spaceBefore=8 * mm),
        "company": ParagraphStyle("company", parent=base, fontSize=15, leading=20, textColor=ACCENT,
                                  spaceAfter=0.5 * mm),
        "company_en": ParagraphStyle("company_en", parent=base, fontSize=9, leading=12, textColor=GREY,
                                     spaceAfter=0.5 * mm),
        "contact": ParagraphStyle("contact", parent=base, fontSize=8, leading=11, textColor=GREY,
                                  spaceAfter=0),
    }  # fmt: skip


# --- HTML → a small tree ----------------------------------------------------------------------

_VOID = {"br", "hr", "img", "meta", "link", "input", "col"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("body")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):  # close up to the matching tag, if any
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _tree(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --- the tree → ReportLab flowables -----------------------------------------------------------

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "div", "section", "article",
           "header", "footer", "blockquote", "hr", "body", "html", "main"}  # fmt: skip


def _markup(children: list[Node | str]) -> str:
    """Inline content as ReportLab paragraph markup (text escaped)."""
    parts: list[str] = []
    for child in children:
        if isinstance(child, str):
            parts.append(escape(child, quote=False))
        elif child.tag == "br":
            parts.append("<br/>")
        elif child.tag in {"strong", "b"}:
            parts.append(f'<font color="{ACCENT_HEX}">{_markup(child.children)}</font>')
        elif child.tag == "u":
            parts.append(f"<u>{_markup(child.children)}</u>")
        elif child.tag in {"head", "style", "script", "title"}:
            continue
        else:
            parts.append(_markup(child.children))
    return "".join(parts)


def _plain_text(children: list[Node | str]) -> str:
    return "".join(child if isinstance(child, str) else _plain_text(child.children) for child in children)


def _paragraph(children: list[Node | str], style: ParagraphStyle) -> Paragraph | None:
    text = _markup(children)
    if not text.replace("<br/>", "").strip():
        return None
    return Paragraph(text.strip(), style)


def _rows(table: Node) -> tuple[list[tuple[str, Node]], int]:
    """(section, tr) in order: thead, tbody (or bare rows), tfoot; and how many header rows."""
    sections: dict[str, list[Node]] = {"thead": [], "tbody": [], "tfoot": []}
    for child in table.children:
        if isinstance(child, Node):
            if child.tag in sections:
                sections[child.tag].extend(
                    row for row in child.children if isinstance(row, Node) and row.tag == "tr"
                )
            elif child.tag == "tr":
                sections["tbody"].append(child)
    ordered = [(name, row) for name in ("thead", "tbody", "tfoot") for row in sections[name]]
    return ordered, len(sections["thead"])


@dataclass
class _Cell:
    markup: str
    text: str  # plain, whitespace collapsed
    numeric: bool
    span: int


_CELL_FONT_SIZE, _CELL_LEADING, _CELL_PADDING = 9, 12.5, 2 * mm


def _table(node: Node, width: float) -> Table | None:
    """A table filling the line: columns as wide as their widest cell (scaled to the line),
    header rows repeated on each page, a totals row (``tfoot``) ruled and in the accent colour.
    A cell is drawn as a plain string when it fits on one line (cheap), else as a Paragraph."""
    rows, header_rows = _rows(node)
    if not rows:
        return None
    cells: list[list[_Cell | None]] = []
    for _section, row in rows:
        line: list[_Cell | None] = []
        for cell in (c for c in row.children if isinstance(c, Node) and c.tag in {"td", "th"}):
            colspan = cell.attrs.get("colspan", "1").strip()
            span = max(int(colspan), 1) if colspan.isdigit() else 1
            text = " ".join(_plain_text(cell.children).split())
            line.append(_Cell(_markup(cell.children).strip(), text, "num" in cell.classes, span))
            line.extend([None] * (span - 1))
        cells.append(line)
    columns = max(len(line) for line in cells)
    for line in cells:
        line.extend([None] * (columns - len(line)))
    natural = [10 * mm] * columns
    for line in cells:
        for x, cell in enumerate(line):
            if cell is not None and cell.span == 1:
                text_width = pdfmetrics.stringWidth(cell.text, font_name(), _CELL_FONT_SIZE)
                natural[x] = max(natural[x], text_width + 2 * _CELL_PADDING + 1)
    widths = [w * width / sum(natural) for w in natural]  # fill the line, as width: 100%
    footer_start = next((y for y, (section, _) in enumerate(rows) if section == "tfoot"), len(rows))
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), font_name(), _CELL_FONT_SIZE, _CELL_LEADING),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * mm),
        ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
    ]
    if header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#f1f1f1")))
    if footer_start < len(rows):
        style += [
            ("LINEABOVE", (0, footer_start), (-1, footer_start), 1, colors.HexColor("#555555")),
            ("BACKGROUND", (0, footer_start), (-1, -1), colors.HexColor("#faf5f5")),
            ("TEXTCOLOR", (0, footer_start), (-1, -1), ACCENT),
        ]
    grid: list[list[Paragraph | str]] = []
    for y, line in enumerate(cells):
        drawn: list[Paragraph | str] = []
        for x, cell in enumerate(line):
            if cell is None:
                drawn.append("")
                continue
            if cell.span > 1:
                style.append(("SPAN", (x, y), (x + cell.span - 1, y)))
            if cell.numeric:
                style.append(("ALIGN", (x, y), (x, y), "RIGHT"))
            room = sum(widths[x : x + cell.span]) - 2 * _CELL_PADDING
            plain = cell.markup == escape(cell.text, quote=False)
            if plain and pdfmetrics.stringWidth(cell.text, font_name(), _CELL_FONT_SIZE) <= room:
                drawn.append(cell.text)
            else:
                drawn.append(Paragraph(cell.markup, _cell_style(cell.numeric, accent=y >= footer_start)))
        grid.append(drawn)
    table = Table(grid, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    table.spaceBefore, table.spaceAfter = 2 * mm, 4 * mm
    return table


@cache
def _cell_style(numeric: bool, *, accent: bool) -> ParagraphStyle:
    return ParagraphStyle(
        f"cell-{numeric}-{accent}",
        parent=_styles()["body"],
        fontSize=_CELL_FONT_SIZE,
        leading=_CELL_LEADING,
        spaceAfter=0,
        alignment=TA_RIGHT if numeric else TA_LEFT,
        textColor=ACCENT if accent else colors.HexColor("#111111"),
    )


def _flowables(node: Node, width: float) -> list[Flowable]:
    styles = _styles()
    out: list[Flowable] = []
    inline: list[Node | str] = []

    def flush() -> None:
        if inline:
            paragraph = _paragraph(list(inline), styles["body"])
            if paragraph is not None:
                out.append(paragraph)
            inline.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag not in _BLOCKS:
            inline.append(child)
            continue
        flush()
        if child.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            paragraph = _paragraph(child.children, styles[child.tag if child.tag in styles else "h3"])
        elif child.tag == "p":
            style = next((styles[c] for c in ("bank", "signature") if c in child.classes), styles["body"])
            paragraph = _paragraph(child.children, style)
        elif child.tag == "table":
            paragraph = _table(child, width)
        elif child.tag in {"ul", "ol"}:
            items = [
                ListItem(_flowables(Node("li", children=item.children), width - 8 * mm) or [Spacer(0, 0)])
                for item in child.children
                if isinstance(item, Node) and item.tag == "li"
            ]
            ordered = child.tag == "ol"
            paragraph = ListFlowable(
                items, bulletType="1" if ordered else "bullet", start=None if ordered else "•",
                bulletFontName=font_name(), bulletFontSize=9, leftIndent=6 * mm,
            ) if items else None  # fmt: skip
        elif child.tag == "hr":
            paragraph = HRFlowable(width="100%", thickness=0.5, color=colors.HexColor("#999999"))
        else:  # div, section, …: their content
            out.extend(_flowables(child, width))
            continue
        if paragraph is not None:
            out.append(paragraph)
    flush()
    return out


def _letterhead(letterhead: dict[str, str], language: str, width: float) -> list[Flowable]:
    styles = _styles()
    name = letterhead.get("company_name_zh") or letterhead.get("company_name_en") or ""
    out: list[Flowable] = []
    if name:
        out.append(Paragraph(escape(name), styles["company"]))
    if letterhead.get("company_name_en") and letterhead.get("company_name_zh"):
        out.append(Paragraph(escape(letterhead["company_name_en"]), styles["company_en"]))
    tax_label = "Tax ID" if language == "en" else "统一社会信用代码"
    contact = [
        letterhead.get("address", ""),
        f"Tel {letterhead['phone']}" if letterhead.get("phone") else "",
        letterhead.get("email", ""),
        f"{tax_label} {letterhead['tax_id']}" if letterhead.get("tax_id") else "",
    ]
    if any(contact):
        out.append(Paragraph(escape(" · ".join(part for part in contact if part)), styles["contact"]))
    if out:
        out.append(
            HRFlowable(width="100%", thickness=1.5, color=ACCENT, spaceBefore=3 * mm, spaceAfter=6 * mm)
        )
    return out


class _NumberedCanvas(Canvas):
    """Draws "page / pages" at the foot of each page once the number of pages is known."""

    def __init__(self, *args, **kwargs) -> None:
        # The page's initial font is the CJK one: no standard font is referenced unembedded.
        super().__init__(*args, **{**kwargs, "initialFontName": font_name(), "initialFontSize": 10.5})
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(font_name(), 8)
            self.setFillColor(colors.HexColor("#666666"))
            self.drawCentredString(A4[0] / 2, 10 * mm, f"{self._pageNumber} / {total}")
            super().showPage()
        super().save()


def html_flowables(html: str, width: float) -> list[Flowable]:
    """The small HTML above as flowables ``width`` wide, for a document that adds its own
    (the management reports put their charts between them)."""
    return _flowables(_tree(html), width)


def story_pdf(
    *, subject: str, story: Callable[[float], list[Flowable]], letterhead: dict[str, str], language: str
) -> bytes:
    """The letterhead, then the flowables ``story(width)`` makes for the line's width, as PDF bytes."""
    buffer = io.BytesIO()
    company = letterhead.get("company_name_zh") or letterhead.get("company_name_en") or ""
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=subject, author=company, creator="Huikuan", subject=subject,
        lang="en" if language == "en" else "zh-Hans", invariant=True, **PAGE_MARGINS,
    )  # fmt: skip
    width = document.width
    flowables = _letterhead(letterhead, language, width) + story(width)
    document.build(flowables or [Spacer(0, 0)], canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def document_pdf(*, subject: str, html: str, letterhead: dict[str, str], language: str) -> bytes:
    """A letter or statement: the letterhead, then the rendered body, as PDF bytes."""
    return story_pdf(
        subject=subject,
        story=lambda width: _flowables(_tree(html), width),
        letterhead=letterhead,
        language=language,
    )
