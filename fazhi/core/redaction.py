"""Redaction of personal data before publication (security.md PII-3).

Disclosed decisions must not show ID numbers, phone numbers, bank accounts or vehicle plates; a
penalised natural person appears as surname + 某 (张三 → 张某, 欧阳娜娜 → 欧阳某), other natural
persons are removed (→ 某某). Basis: 《个人信息保护法》第二十五条、第二十八条; 《政府信息公开条例》
第十五条; the penalty-result publication rules (rulebook §2.1).

Numbers are found in the forms people type them: ASCII or full-width digits, Chinese numerals
(一三八… and 幺 for 1), with single spaces or hyphens inside (138 1234 5678, 0471-6612345), a
+86/0086 prefix, and an X check character for ID numbers. Masks keep only what identifies no one:
the first and last character of an ID number, the network prefix of a mobile phone, the area code
of a landline, the last four digits of a bank card.

`find_pii` is the detector; publication code should refuse text on which it still finds anything.
Home addresses, health data and free-text narratives still need the human reviewer (ACC-9).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from stdnum.cn import ric, uscc

_DIGITS = "0123456789０１２３４５６７８９零〇一二三四五六七八九幺"
_DIGIT_VALUE = {ch: str(i % 10) for i, ch in enumerate(_DIGITS[:20])} | {
    "零": "0", "〇": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
    "七": "7", "八": "8", "九": "9", "幺": "1",
}
_AR = "[0-9０-９]"  # Arabic digits, ASCII or full-width
_CN = "[零〇一二三四五六七八九幺]"  # Chinese numerals as read out digit by digit
_SEP = r"[ \t\u3000\-‐‑‒–—－]"
_X = "[XxＸｘ]"
# Arabic and Chinese digits never mix in one run: 张三13812345678 is a name and a phone.
_RUN = re.compile(
    rf"(?<![0-9０-９])(?:[+＋]{_SEP}?)?{_AR}(?:{_SEP}?{_AR})*(?:{_SEP}?{_X}(?![A-Za-z]))?"
    rf"|(?<!{_CN}){_CN}(?:{_SEP}?{_CN})*"
)
_BRACKETED_LANDLINE = re.compile(
    rf"[(（]\s?(0{_AR}{{2,3}})\s?[)）]{_SEP}?({_AR}(?:{_SEP}?{_AR}){{6,7}})(?![0-9０-９])"
)
_PHONE_KEYWORDS = re.compile(r"(电话|手机|座机|传真|联系方式|热线|tel|phone|fax)", re.IGNORECASE)
_ACCOUNT_KEYWORDS = re.compile(r"(账号|帐号|账户|帐户|卡号|银行|开户)")
_CREDIT_CODE_KEYWORDS = re.compile(r"(信用代码|代码|税号|纳税人识别号)")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"([{_PROVINCES}][A-Za-zＡ-Ｚ])[·•・.\s]?([A-Za-z0-9Ａ-Ｚ０-９]{{5,6}})([挂学警]?)(?![A-Za-z0-9])"
)

COMPOUND_SURNAMES = frozenset(
    (
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "司空", "夏侯", "轩辕", "令狐", "钟离", "端木", "澹台", "南宫",
        "西门", "独孤", "百里", "呼延", "万俟", "单于", "申屠", "太史", "拓跋", "赫连",
        "闻人", "东郭", "濮阳", "公冶", "宗政", "仲孙", "淳于", "鲜于", "闾丘", "亓官",
        "司寇", "子车", "颛孙", "壤驷", "公良", "漆雕", "乐正", "宰父", "谷梁", "段干",
        "第五",
    )
)


class PiiKind(StrEnum):
    RESIDENT_ID = "resident_id"
    MOBILE = "mobile"
    LANDLINE = "landline"
    BANK_ACCOUNT = "bank_account"
    VEHICLE_PLATE = "vehicle_plate"


@dataclass(frozen=True)
class PiiHit:
    kind: PiiKind
    start: int
    end: int
    text: str
    mask: str


def _ascii(text: str) -> str:
    """Digits and X of a matched run, as ASCII, without separators or prefix signs."""
    out = []
    for ch in text:
        if ch in _DIGIT_VALUE:
            out.append(_DIGIT_VALUE[ch])
        elif ch in "XxＸｘ":
            out.append("X")
    return "".join(out)


def _plausible_birth_date(digits: str) -> bool:
    year, month, day = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
    return 1850 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def _is_resident_id(digits: str) -> bool:
    if len(digits) != 18 or not digits[:17].isdigit():
        return False
    return digits[17] == ric.calc_check_digit(digits) or _plausible_birth_date(digits)


def _keep(digits: str, head: int, tail: int) -> str:
    return digits[:head] + "*" * (len(digits) - head - tail) + (digits[-tail:] if tail else "")


def _area_code_length(digits: str) -> int:
    return 3 if digits[1] in "12" else 4  # 010 and 02x are three digits, the others four


def _classify(digits: str, before: str) -> tuple[PiiKind, str] | None:
    """What a digit run is and its mask, or None for numbers that are not personal data."""
    n = len(digits)
    if "X" in digits[:-1]:
        return None
    if digits.endswith("X"):
        if n in (15, 18):
            return PiiKind.RESIDENT_ID, _keep(digits, 1, 1)
        return None
    for prefix in ("0086", "86"):
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and len(rest) == 11 and re.fullmatch(r"1[3-9]\d{9}", rest):
            return PiiKind.MOBILE, "+86 " + _keep(rest, 3, 0)
    if n == 11 and re.fullmatch(r"1[3-9]\d{9}", digits):
        return PiiKind.MOBILE, _keep(digits, 3, 0)
    if digits.startswith("0") and 10 <= n <= 16:
        return PiiKind.LANDLINE, _keep(digits, _area_code_length(digits), 0)
    if n == 18:
        if (
            _CREDIT_CODE_KEYWORDS.search(before)
            and uscc.is_valid(digits)
            and not _is_resident_id(digits)
        ):
            return None  # an all-digit unified social credit code, named as such
        return PiiKind.RESIDENT_ID, _keep(digits, 1, 1)
    if n == 15:
        return PiiKind.RESIDENT_ID, _keep(digits, 1, 1)
    if 16 <= n <= 19 or n >= 20:
        return PiiKind.BANK_ACCOUNT, _keep(digits, 0, 4)
    if 12 <= n <= 14 and _ACCOUNT_KEYWORDS.search(before):
        return PiiKind.BANK_ACCOUNT, _keep(digits, 0, 4)
    if 7 <= n <= 8 and _PHONE_KEYWORDS.search(before):
        return PiiKind.LANDLINE, "*" * n
    return None


def find_pii(text: str, *, plates: bool = True) -> list[PiiHit]:
    """Every ID number, phone number, bank account (and vehicle plate) in `text`, in order."""
    hits: list[PiiHit] = []
    taken: list[tuple[int, int]] = []
    for match in _BRACKETED_LANDLINE.finditer(text):
        area, number = _ascii(match.group(1)), _ascii(match.group(2))
        hits.append(
            PiiHit(PiiKind.LANDLINE, match.start(), match.end(), match.group(),
                   f"({area}){'*' * len(number)}")
        )
        taken.append(match.span())
    for match in _RUN.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        digits = _ascii(match.group())
        before = text[max(0, match.start() - 12) : match.start()]
        found = _classify(digits, before)
        if found:
            hits.append(PiiHit(found[0], match.start(), match.end(), match.group(), found[1]))
            taken.append(match.span())
    if plates:
        for match in _PLATE.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            tail = match.group(2) + match.group(3)
            hits.append(
                PiiHit(PiiKind.VEHICLE_PLATE, match.start(), match.end(), match.group(),
                       match.group(1).upper() + "*" * len(tail))
            )
    return sorted(hits, key=lambda hit: hit.start)


def mask_name(name: str) -> str:
    """Surname + 某: 张三 → 张某, 欧阳娜娜 → 欧阳某; a name without a Han surname keeps its first
    character (巴特尔 → 巴某, 阿依古丽·买买提 → 阿某)."""
    name = re.sub(r"\s+", "", name)
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2] + "某"
    return name[:1] + "某"


def _name_pattern(name: str) -> re.Pattern[str]:
    chars = [re.escape(ch) for ch in re.sub(r"\s+", "", name)]
    return re.compile(r"[ \t\u3000]*".join(chars))


def redact(
    text: str,
    *,
    names: Iterable[str] = (),
    others: Iterable[str] = (),
    plates: bool = True,
) -> str:
    """Text fit for publication: numbers masked, `names` → surname + 某, `others` → 某某.

    `names` are the natural persons who may appear (the penalised party); `others` are natural
    persons who must not (witnesses, relatives, complainants). Names may be written with spaces
    between their characters in the text.
    """
    replacements = [(n, mask_name(n)) for n in names if n.strip()]
    replacements += [(n, "某某") for n in others if n.strip()]
    for name, masked in sorted(replacements, key=lambda pair: -len(pair[0].strip())):
        text = _name_pattern(name).sub(masked, text)
    hits = find_pii(text, plates=plates)
    parts, cursor = [], 0
    for hit in hits:
        parts += [text[cursor : hit.start], hit.mask]
        cursor = hit.end
    parts.append(text[cursor:])
    return "".join(parts)
