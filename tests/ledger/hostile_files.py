"""Hostile import files, made in the test: each small on disk, each built to hurt a reader.

xlsx_parts(rows) -> dict[str, bytes]        # the parts of a plain workbook (openpyxl)
write_zip(path, parts, raw=...)              # a zip written entry by entry, bombs included
deflate_bomb(prefix, size, suffix)           # ~1 MB of deflate data inflating to ``size``
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
CHUNK = b"A" * (1 << 20)


def xlsx_parts(rows: Iterable[Iterable[object]]) -> dict[str, bytes]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_dimension(sheet_xml: bytes, ref: str) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="%s"/>' % ref.encode(), sheet_xml)


def with_cell(sheet_xml: bytes, ref: str, row: int) -> bytes:
    """A number in cell ``ref`` (on ``row``), after the sheet's other rows."""
    cell = b'<row r="%d"><c r="%s"><v>1</v></c></row>' % (row, ref.encode())
    return sheet_xml.replace(b"</sheetData>", cell + b"</sheetData>")


@dataclass
class RawEntry:
    """An entry whose deflate data is given as it is: ``chunks``, its CRC and sizes."""

    chunks: Iterable[bytes]
    crc: int
    size: int


def deflate_bomb(prefix: bytes, size: int, suffix: bytes) -> RawEntry:
    """``prefix`` + ``size`` bytes of "A" + ``suffix``, deflated in about size/1000 bytes.

    After a full flush deflate starts afresh, so every megabyte of "A" compresses to the
    same block: compressed once, repeated, and the bomb costs the test no time.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(CHUNK) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush(zlib.Z_FINISH)
    count = size // len(CHUNK)
    crc = zlib.crc32(prefix)
    for _ in range(count):
        crc = zlib.crc32(CHUNK, crc)
    crc = zlib.crc32(suffix, crc)
    return RawEntry(
        chunks=[head, *([block] * count), tail], crc=crc, size=len(prefix) + count * len(CHUNK) + len(suffix)
    )


def write_zip(path: Path, parts: dict[str, bytes], raw: dict[str, RawEntry] | None = None) -> Path:
    """A zip (no zip64: every entry under 4 GiB) of ``parts`` deflated, and ``raw`` as given."""
    raw = raw or {}
    central = []
    with path.open("wb") as out:
        for name in [*parts, *(n for n in raw if n not in parts)]:
            if name in raw:
                entry = raw[name]
                chunks, crc, size = list(entry.chunks), entry.crc, entry.size
            else:
                compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
                chunks = [compressor.compress(parts[name]) + compressor.flush()]
                crc, size = zlib.crc32(parts[name]), len(parts[name])
            compressed = sum(len(c) for c in chunks)
            encoded = name.encode()
            offset = out.tell()
            out.write(
                struct.pack(
                    "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, compressed, size, len(encoded), 0
                )
            )
            out.write(encoded)
            for chunk in chunks:
                out.write(chunk)
            central.append(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    crc,
                    compressed,
                    size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
            )
        start = out.tell()
        for record in central:
            out.write(record)
        out.write(
            struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0
            )
        )
    return path
