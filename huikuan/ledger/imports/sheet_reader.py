"""Read the first sheet of a spreadsheet in a child process with a memory ceiling.

    python sheet_reader.py FILE MEMORY_BYTES

Run by file path (it imports neither Django nor Huikuan). Writes one JSON array of cell
texts per row on stdout. The reader (calamine, in Rust) allocates by what the file says;
under ``RLIMIT_AS`` a lying file makes this process fail, and the importer refuses the
file, instead of the server or the command being killed for want of memory.
"""

from __future__ import annotations

import json
import resource
import sys
from datetime import date, datetime, time, timedelta


def cell_text(value: object) -> str:
    """A cell as the user typed it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Spreadsheets store numbers as doubles; Excel shows them to 15 significant digits,
        # which is what the user typed, and hides a formula's float noise (11299.999999999998).
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date | time | timedelta):
        return value.isoformat() if not isinstance(value, timedelta) else str(value)
    return str(value)


def limit_memory(memory_bytes: int) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))


def main(path: str, memory_bytes: int) -> int:
    limit_memory(memory_bytes)
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        # iter_rows leaves out empty leading columns (not rows): put them back, so that
        # cells keep their columns.
        padding = [""] * (sheet.start[1] if sheet.start else 0)
        write = sys.stdout.write
        for cells in sheet.iter_rows():
            write(json.dumps([*padding, *(cell_text(v) for v in cells)], ensure_ascii=False))
            write("\n")
    except MemoryError:
        sys.stderr.write("out of memory\n")
        return 3
    except Exception as error:  # any reader error is the file's: report it, one line
        sys.stderr.write(f"{type(error).__name__}: {error}".splitlines()[0][:500] + "\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
