"""Text written to spreadsheets (CSV and Excel exports): neutralise formulas (CSV injection,
OWASP). One place for every export; the audit export keeps its own wider set."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@")


def spreadsheet_safe(value: Any) -> Any:
    """`value` with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return f"'{value}"
    return value
