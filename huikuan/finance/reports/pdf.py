"""A report document as PDF: the letterhead and the CJK font of letters and statements
(``huikuan.correspondence.pdf``), headings and tables from its small HTML, and each chart
as a PNG at 150 dpi between them."""

from __future__ import annotations

import io
from html import escape

from reportlab.platypus import Flowable, Image, KeepTogether

from huikuan.core.exports import Column
from huikuan.correspondence.documents import letterhead_values
from huikuan.correspondence.pdf import html_flowables, story_pdf
from huikuan.finance.reports.charts import chart_png
from huikuan.finance.reports.document import ReportDocument, Section, Table

PDF_CONTENT_TYPE = "application/pdf"
_NUMERIC = {"money", "percent", "number", "count"}
NUM = ' class="num"'
CHART_WIDTH, CHART_HEIGHT = 7.2, 2.9  # inches, as drawn; scaled to the line's width


def _cell(value: object, column: Column) -> str:
    if value is None:
        return "–"
    if column.kind == "money" and not isinstance(value, str):
        return f"{value:,.2f}"
    return escape(str(value))


def _table_html(table: Table) -> str:
    numeric = [column.kind in _NUMERIC for column in table.columns]

    def row_html(row: list, tag: str = "td") -> str:
        cells = (
            f"<{tag}{NUM if numeric[i] else ''}>{_cell(value, table.columns[i])}</{tag}>"
            for i, value in enumerate(row)
        )
        return "<tr>" + "".join(cells) + "</tr>"

    head = "<tr>" + "".join(f"<th>{escape(column.header)}</th>" for column in table.columns) + "</tr>"
    if not table.rows:
        return f"<h3>{escape(table.title)}</h3><p>{escape(table.empty_text)}</p>"
    foot = f"<tfoot>{row_html(table.total)}</tfoot>" if table.total is not None else ""
    body = "".join(row_html(row) for row in table.rows)
    return f"<h3>{escape(table.title)}</h3><table><thead>{head}</thead><tbody>{body}</tbody>{foot}</table>"


def _section(section: Section, width: float) -> list[Flowable]:
    heading = f"<h2>{escape(section.title)}</h2>"
    if section.figures:
        notes = any(figure.note for figure in section.figures)
        cells = "".join(
            f"<tr><td>{escape(figure.label)}</td><td{NUM}>{escape(figure.value)}</td>"
            + (f"<td>{escape(figure.note)}</td>" if notes else "")
            + "</tr>"
            for figure in section.figures
        )
        heading += f"<table><tbody>{cells}</tbody></table>"
    if section.note:
        heading += f"<p>{escape(section.note)}</p>"
    body: list[Flowable] = []
    for chart in section.charts:
        if not chart.empty:
            png = io.BytesIO(chart_png(chart))
            body.append(Image(png, width=width, height=width * CHART_HEIGHT / CHART_WIDTH))
    for table in section.tables:
        parts = html_flowables(_table_html(table), width)
        body.append(KeepTogether(parts[:2]) if len(parts) > 1 else parts[0])  # a heading with its table
        body.extend(parts[2:])
    # The section's heading never ends a page alone: it goes with what follows it.
    return [KeepTogether(html_flowables(heading, width) + body[:1]), *body[1:]]


def report_pdf(document: ReportDocument, *, language: str) -> bytes:
    """The document as PDF bytes, in ``language`` (the document's words are already in it)."""

    def story(width: float) -> list[Flowable]:
        out = html_flowables(f"<h1>{escape(document.title)}</h1><p>{escape(document.subtitle)}</p>", width)
        for section in document.sections:
            out.extend(_section(section, width))
        return out

    return story_pdf(subject=document.title, story=story, letterhead=letterhead_values(), language=language)
