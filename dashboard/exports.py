"""The downloads: the table a page shows, with what a reader needs to cite it.

Both files carry a block of metadata (title, unit, definition, source table, licence, data
status, whether sample data is in it) before the table, as the statistics offices' own CSV
files do, and numbers rounded as the screen shows them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

import polars as pl
import xlsxwriter


def frame(rows: list[dict]) -> pl.DataFrame:
    """Rows as a table, each column typed from all its values (a gap early on stays a gap)."""
    return pl.DataFrame(rows, infer_schema_length=None)


def csv_bytes(frame: pl.DataFrame, meta: Mapping[str, str] | None = None) -> bytes:
    """Semicolons, decimal commas and a BOM, so that Excel in German opens it as it looks; the
    metadata lines first, then one empty line, then the table.

    >>> csv_bytes(pl.DataFrame({"Jahr": [2024], "Wert": [12.5]})).decode("utf-8-sig")
    'Jahr;Wert\\n2024;12,5\\n'
    >>> text = csv_bytes(pl.DataFrame({"Jahr": [2024]}), {"Titel": "Anteil; neu"})
    >>> text.decode("utf-8-sig").splitlines()
    ['Titel;"Anteil; neu"', '', 'Jahr', '2024']
    """
    head = io.StringIO()
    if meta:
        writer = csv.writer(head, delimiter=";", lineterminator="\n")
        writer.writerows(meta.items())
        head.write("\n")
    table = frame.write_csv(separator=";", decimal_comma=True)
    return "\ufeff".encode() + (head.getvalue() + table).encode()


def xlsx_bytes(
    frame: pl.DataFrame, sheet: str = "Daten", meta: Mapping[str, str] | None = None
) -> bytes:
    """The table on its own sheet, the metadata on a sheet "Quelle" beside it."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        frame.write_excel(book, worksheet=sheet[:31], autofit=True)
        if meta:
            pl.DataFrame({"Angabe": list(meta), "Wert": list(meta.values())}).write_excel(
                book, worksheet="Quelle", autofit=True
            )
    return buffer.getvalue()
