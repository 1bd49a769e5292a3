"""Formula neutralisation for every CSV / Excel export (CSV injection)."""

import pytest

from fazhi.core.spreadsheet import spreadsheet_safe


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("张三", "张三"),
        ("", ""),
        (12, 12),
        (None, None),
    ],
)
def test_formulas_are_neutralised_and_other_values_kept(value, expected):
    assert spreadsheet_safe(value) == expected
