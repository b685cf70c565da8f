"""The downloads: exactly the table a page shows, as CSV for German Excel and as XLSX."""

from __future__ import annotations

import io

import polars as pl


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """Semicolons, decimal commas and a BOM, so that Excel in German opens it as it looks.

    >>> csv_bytes(pl.DataFrame({"Jahr": [2024], "Wert": [12.5]})).decode("utf-8-sig")
    'Jahr;Wert\\n2024;12,5\\n'
    """
    return "\ufeff".encode() + frame.write_csv(separator=";", decimal_comma=True).encode()


def xlsx_bytes(frame: pl.DataFrame, sheet: str = "Daten") -> bytes:
    buffer = io.BytesIO()
    frame.write_excel(buffer, worksheet=sheet[:31], autofit=True)
    return buffer.getvalue()
