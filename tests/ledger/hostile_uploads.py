"""Hostile uploads: each refused with one clear message naming the limit, the ledger unchanged,
through the service, the command line and the web import page.

Run by tests/ledger/test_hostile_uploads.py in a child pytest under a 1 GiB address-space
limit, so that a regression (a reader allocating by what a file declares) fails the test
instead of taking the machine down. Run it alone with
``python -m pytest tests/ledger/hostile_uploads.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.utils import translation

from huikuan.core.errors import InputRejected
from huikuan.ledger.imports import ledger_import
from huikuan.ledger.models import Customer, ImportJob
from tests.api.conftest import ledger, personas  # noqa: F401 - shared fixtures
from tests.ledger.hostile_files import SHEET, deflate_bomb, with_cell, with_dimension, write_zip, xlsx_parts
from tests.web.conftest import web_as  # noqa: F401 - shared fixture

# The distributor and its people (tests/api/conftest.py): the database a refusal must leave as it was.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("personas")]

CUSTOMERS_HEADER = ["customer_code", "name"]
GIB = 1 << 30
LIMITS = {  # the defaults of settings.HUIKUAN_IMPORT_LIMITS, as the messages say them
    "rows": "1,000,000",
    "columns": "200",
    "cell": "32,767",
}


def _customers_xlsx(path: Path, patch: Callable[[bytes], bytes] = lambda xml: xml) -> Path:
    parts = xlsx_parts([CUSTOMERS_HEADER, ["HB001", "河北钢铁"]])
    parts[SHEET] = patch(parts[SHEET])
    return write_zip(path, parts)


def dimension_bomb(folder: Path) -> Path:
    """4.8 KB: a sheet declaring A1:XFD1048576, with a cell there (a dense reader wants 512 GiB)."""
    return _customers_xlsx(
        folder / "dimension-bomb.xlsx",
        lambda xml: with_cell(with_dimension(xml, "A1:XFD1048576"), "XFD1048576", 1048576),
    )


def far_column(folder: Path) -> Path:
    return _customers_xlsx(folder / "far-column.xlsx", lambda xml: with_cell(xml, "XFD3", 3))


def zip_bomb(folder: Path) -> Path:
    """About 1 MB, inflating to a sheet with one cell of 1 GiB."""
    parts = xlsx_parts([CUSTOMERS_HEADER])
    head, tail = parts[SHEET].split(b"</sheetData>")
    bomb = deflate_bomb(
        head + b'<row r="2"><c r="A2" t="inlineStr"><is><t>',
        GIB,
        b"</t></is></c></row></sheetData>" + tail,
    )
    del parts[SHEET]
    return write_zip(folder / "zip-bomb.xlsx", parts, raw={SHEET: bomb})


def ratio_bomb(folder: Path) -> Path:
    """64 KB inflating to 64 MB: within the size limit, far beyond the compression ratio."""
    parts = xlsx_parts([CUSTOMERS_HEADER])
    head, tail = parts[SHEET].split(b"</sheetData>")
    bomb = deflate_bomb(
        head + b'<row r="2"><c r="A2" t="inlineStr"><is><t>',
        64 << 20,
        b"</t></is></c></row></sheetData>" + tail,
    )
    del parts[SHEET]
    return write_zip(folder / "ratio-bomb.xlsx", parts, raw={SHEET: bomb})


ODS_CONTENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    b'<office:body><office:spreadsheet><table:table table:name="kehu">'
    b'<table:table-row><table:table-cell office:value-type="string"><text:p>customer_code</text:p>'
    b'</table:table-cell><table:table-cell office:value-type="string"><text:p>name</text:p>'
    b"</table:table-cell></table:table-row>"
    b'<table:table-row table:number-rows-repeated="99000">'
    b'<table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1">'
    b"<text:p>1</text:p></table:table-cell></table:table-row>"
    b"</table:table></office:spreadsheet></office:body></office:document-content>"
)


ODS_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    b' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
    b' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    b"</manifest:manifest>"
)


def repeated_cells_ods(folder: Path) -> Path:
    """Under 1 KB: one cell repeated 1,000 times across and 99,000 times down."""
    return write_zip(
        folder / "repeated.ods",
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "META-INF/manifest.xml": ODS_MANIFEST,
            "content.xml": ODS_CONTENT,
        },
    )


def huge_cell_csv(folder: Path) -> Path:
    path = folder / "huge-cell.csv"
    path.write_text(f'customer_code,name\nHB001,"{"长" * 200_000}"\n', encoding="utf-8")
    return path


def huge_cell_xlsx(folder: Path) -> Path:
    # openpyxl cuts a text at Excel's 32,767 characters; the file's XML need not. The name is
    # written as UTF-8 or as character references, depending on the XML library's version.
    def patch(xml: bytes) -> bytes:
        for written in ("河北钢铁".encode(), "河北钢铁".encode("ascii", "xmlcharrefreplace")):
            xml = xml.replace(written, b"x" * 200_000)
        assert b"x" * 200_000 in xml
        return xml

    return _customers_xlsx(folder / "huge-cell.xlsx", patch)


def truncated_xlsx(folder: Path) -> Path:
    whole = _customers_xlsx(folder / "whole.xlsx")
    path = folder / "truncated.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return path


def truncated_utf16(folder: Path) -> Path:
    path = folder / "truncated-utf16.csv"
    path.write_bytes("customer_code,name\r\nHB001,河北钢铁\r\n".encode("utf-16")[:-1])
    return path


def too_many_columns(folder: Path) -> Path:
    path = folder / "wide.csv"
    header = [*CUSTOMERS_HEADER, *(f"extra_{n}" for n in range(250))]
    path.write_text(",".join(header) + "\nHB001,河北钢铁" + ",x" * 250 + "\n", encoding="utf-8")
    return path


def too_many_rows(folder: Path) -> Path:
    path = folder / "long.csv"
    path.write_text("customer_code,name\n" + "".join(f"R{n},名{n}\n" for n in range(1_001)), encoding="utf-8")
    return path


def too_large(folder: Path) -> Path:
    path = folder / "large.csv"
    path.write_text("customer_code,name\n" + "HB001,河北钢铁\n" * 150_000, encoding="utf-8")
    return path


@dataclass
class Hostile:
    make: Callable[[Path], Path]
    says: str  # what the refusal says (English), naming the limit
    settings: dict = field(default_factory=dict)


def _limits(**values: int) -> dict:
    from django.conf import settings

    return {"HUIKUAN_IMPORT_LIMITS": {**settings.HUIKUAN_IMPORT_LIMITS, **values}}


HOSTILE = {
    "dimension bomb": Hostile(
        dimension_bomb, f"has cells down to row 1,048,576, more than the limit of {LIMITS['rows']} rows"
    ),
    "far column": Hostile(far_column, f"cells in column 16,384, more than the limit of {LIMITS['columns']}"),
    "zip bomb": Hostile(zip_bomb, "more than the limit of 1,000 MB"),
    "ratio bomb": Hostile(ratio_bomb, "more than the limit of 100"),
    "repeated cells (ODS)": Hostile(repeated_cells_ods, "of memory"),
    "huge cell (CSV)": Hostile(huge_cell_csv, f"longer than the limit of {LIMITS['cell']} characters"),
    "huge cell (XLSX)": Hostile(huge_cell_xlsx, f"longer than the limit of {LIMITS['cell']} characters"),
    "truncated XLSX": Hostile(truncated_xlsx, "not a readable spreadsheet"),
    "truncated UTF-16": Hostile(truncated_utf16, "cannot decode the file as UTF-16"),
    "too many columns": Hostile(too_many_columns, "has 252 columns, more than the limit of 200"),
    "too many rows": Hostile(too_many_rows, "more than 1,000 rows", _limits(MAX_ROWS=1_000)),
    "too large": Hostile(too_large, "larger than the limit of 1 MB", _limits(MAX_FILE_BYTES=1 << 20)),
}


@pytest.fixture(params=list(HOSTILE), scope="module")
def hostile(request, tmp_path_factory) -> tuple[Hostile, Path]:
    case = HOSTILE[request.param]
    return case, case.make(tmp_path_factory.mktemp("hostile"))


def _ledger_state() -> tuple:
    return Customer.objects.count(), ImportJob.objects.filter(status="done").count()


def test_the_service_refuses_a_hostile_file_naming_the_limit(hostile):
    case, path = hostile
    before = _ledger_state()
    with (
        override_settings(**case.settings),
        translation.override("en"),
        pytest.raises(InputRejected) as refused,
    ):
        ledger_import(kind="customers", path=path)
    assert case.says in refused.value.message
    assert _ledger_state() == before


def test_the_command_refuses_a_hostile_file_in_one_line(hostile, huikuan):
    case, path = hostile
    before = _ledger_state()
    with override_settings(**case.settings), translation.override("en"):
        result = huikuan("import", "customers", str(path))
    assert result.code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Refused: ") and case.says in lines[0], result.stderr
    assert _ledger_state() == before


@override_settings(HUIKUAN_IMPORT_JOBS_INLINE=True)
def test_the_import_page_refuses_a_hostile_file_with_the_reason(
    hostile,
    web_as,  # noqa: F811 - the fixture imported above
):
    case, path = hostile
    before = _ledger_state()
    with override_settings(**case.settings), path.open("rb") as upload:
        response = web_as("credit_manager", "en").post(
            "/import/", {"kind": "customers", "file": upload}, follow=True
        )
    assert response.status_code == 422
    assert case.says in response.content.decode()
    assert _ledger_state() == before


def test_a_lying_dimension_alone_is_ignored_and_the_file_imports(tmp_path):
    path = _customers_xlsx(tmp_path / "lying.xlsx", lambda xml: with_dimension(xml, "A1:XFD1048576"))
    result = ledger_import(kind="customers", path=path)
    assert result.created == 1
    assert Customer.objects.get(code="HB001").name == "河北钢铁"


# Every row bad: 50,000 rows, every amount a word.
ALL_BAD_ROWS = 50_000


@pytest.fixture(scope="module")
def all_bad_invoices(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bad") / "all-bad.csv"
    path.write_text(
        "invoice_number,customer_code,invoice_date,amount\n"
        + "".join(f"YS-{n},HZ001,2024-05-01,lots\n" for n in range(ALL_BAD_ROWS)),
        encoding="utf-8",
    )
    return path


def test_a_file_of_only_bad_rows_lists_the_first_thousand_and_counts_the_rest(all_bad_invoices, huikuan):
    started = time.monotonic()
    with translation.override("en"), pytest.raises(InputRejected) as refused:
        ledger_import(kind="invoices", path=all_bad_invoices)
    assert len(refused.value.errors) == 1_000
    assert f"at least {ALL_BAD_ROWS} bad value(s); the first 1000 are listed" in refused.value.message
    assert time.monotonic() - started < 60

    result = huikuan("import", "invoices", str(all_bad_invoices), "--json")
    assert result.code == 1
    assert len(result.json()["errors"]) == 1_000


@override_settings(HUIKUAN_IMPORT_JOBS_INLINE=True, **_limits(BACKGROUND_BYTES=100_000))
def test_a_large_file_of_bad_rows_is_checked_by_a_background_job_and_the_page_shows_it(
    all_bad_invoices,
    web_as,  # noqa: F811 - the fixture imported above
):
    browser = web_as("credit_manager", "en")
    with all_bad_invoices.open("rb") as upload:
        response = browser.post("/import/", {"kind": "invoices", "file": upload})
    assert response.status_code == 302
    job_page = response["Location"]
    assert job_page.startswith("/import/jobs/")
    page = browser.get(job_page)
    assert page.status_code == 422
    html = page.content.decode()
    assert "the first 1000 are listed" in html
    assert html.count("not a number") == 1_000
    # Nobody else may follow it.
    assert web_as("auditor", "en").get(job_page).status_code == 403
    assert web_as("collector_wang", "en").get(job_page).status_code == 403


def test_the_import_page_still_asks_for_its_csrf_token(personas, tmp_path):  # noqa: F811
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas["credit_manager"])
    path = too_many_rows(tmp_path)
    with path.open("rb") as upload:
        response = browser.post("/import/", {"kind": "customers", "file": upload})
    assert response.status_code == 403
