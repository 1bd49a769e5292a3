"""Chinese numerals as in statute labels (第一百二十四条, （十二）) to integers and back.

Statutes write article numbers in the 小写 form with 〇/零 for gaps (第一百零五条) and never
use 万 above article level; `to_int` also accepts 两 and 万 so a label from any other source
still parses, and rejects anything else rather than guessing.
"""

from __future__ import annotations

DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}
CHARS = frozenset(DIGITS) | frozenset(UNITS) | {"万"}


def to_int(text: str) -> int:
    """'一百二十四' → 124, '十' → 10, '一百零五' → 105, '二〇二一' → 2021 (digit-by-digit form)."""
    if not text or any(ch not in CHARS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            section += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:  # 万
            total += ((section + (digit or 0)) or 1) * 10_000  # 万 alone is ten thousand
            section, digit = 0, None
    return total + section + (digit or 0)


def from_int(n: int) -> str:
    """124 → '一百二十四', 10 → '十', 105 → '一百零五', 110 → '一百一十' (statute style)."""
    if not 0 < n < 10_000:
        raise ValueError(f"out of range for a statute label: {n}")
    names = "零一二三四五六七八九"
    if 10 <= n < 20:
        return "十" + (names[n - 10] if n > 10 else "")
    out: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                out.append("零")
                zero = False
            out.append(names[d] + unit)
        elif out:
            zero = True
    return "".join(out)
