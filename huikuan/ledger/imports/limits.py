"""Limits on an imported file, checked before (and while) it is parsed.

    import_limits() -> ImportLimits             # settings.HUIKUAN_IMPORT_LIMITS, env overrides
    limit_refused(reason, *, file_name) -> LimitExceeded
    check_file_size(path, limits)                # before reading a byte of it
    check_archive(path, limits)                  # XLSX/ODS: the zip's central directory

A hostile file (a lying ``<dimension>``, a zip bomb, a cell of a gigabyte, a million bad
rows) is refused with one clear message naming the limit, never a crash or an
out-of-memory abort. The values are documented in ``docs/import-limits.md``.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from huikuan.core.errors import InputRejected, RowError


@dataclass(frozen=True)
class ImportLimits:
    max_file_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int
    max_cell_chars: int
    max_uncompressed_bytes: int
    max_compression_ratio: int
    max_archive_entries: int
    max_errors: int
    reader_memory_bytes: int
    background_bytes: int


def import_limits() -> ImportLimits:
    values = settings.HUIKUAN_IMPORT_LIMITS
    return ImportLimits(**{name.lower(): int(value) for name, value in values.items()})


class LimitExceeded(InputRejected):
    """A file refused whole, before or while reading it, because it passes a limit."""


def refused_whole(rejected: InputRejected) -> bool:
    """A refusal of the whole file (a limit, an unreadable file): no row to point at."""
    return isinstance(rejected, LimitExceeded) or all(not e.line and not e.column for e in rejected.errors)


def limit_refused(reason: str, *, file_name: str) -> LimitExceeded:
    return LimitExceeded(
        errors=[RowError(0, "", "", reason)],
        summary=_("%(file)s: %(reason)s; nothing was imported") % {"file": file_name, "reason": reason},
    )


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB" if size % (1024 * 1024) else f"{size // (1024 * 1024):,} MB"


def check_file_size(size: int, limits: ImportLimits, *, file_name: str) -> None:
    if size > limits.max_file_bytes:
        raise limit_refused(
            _("the file is %(size)s, larger than the limit of %(limit)s")
            % {"size": megabytes(size), "limit": megabytes(limits.max_file_bytes)},
            file_name=file_name,
        )


def upload_too_large(*, file_name: str) -> LimitExceeded:
    """An upload stopped as it passed the size limit (its full size is not known)."""
    return limit_refused(
        _("the file is larger than the limit of %(limit)s")
        % {"limit": megabytes(import_limits().max_file_bytes)},
        file_name=file_name,
    )


def check_archive(path: Path, limits: ImportLimits) -> zipfile.ZipFile:
    """Open a spreadsheet's zip after checking its central directory (nothing inflated yet).

    Python's zipfile never inflates an entry beyond the size the directory declares (and a
    CRC mismatch is an error), so the declared sizes checked here bound what is read later.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise limit_refused(
            _("it is not a readable spreadsheet (the zip archive is damaged or truncated)"),
            file_name=path.name,
        ) from None
    entries = archive.infolist()
    if len(entries) > limits.max_archive_entries:
        archive.close()
        raise limit_refused(
            _("the archive holds %(count)s files, more than the limit of %(limit)s")
            % {"count": f"{len(entries):,}", "limit": f"{limits.max_archive_entries:,}"},
            file_name=path.name,
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        archive.close()
        raise limit_refused(
            _("it expands to %(size)s, more than the limit of %(limit)s")
            % {"size": megabytes(total), "limit": megabytes(limits.max_uncompressed_bytes)},
            file_name=path.name,
        )
    for entry in entries:
        # Small entries compress badly or well without harm; the ratio matters for big ones.
        if entry.file_size > 1024 * 1024 and entry.file_size > limits.max_compression_ratio * max(
            entry.compress_size, 1
        ):
            archive.close()
            raise limit_refused(
                _("%(entry)s is compressed %(ratio)s times, more than the limit of %(limit)s")
                % {
                    "entry": entry.filename,
                    "ratio": f"{entry.file_size // max(entry.compress_size, 1):,}",
                    "limit": limits.max_compression_ratio,
                },
                file_name=path.name,
            )
    return archive
