"""Resident ID numbers and unified social credit codes (rulebook §9.1, §9.2), via python-stdnum.

Errors carry Chinese-first gettext messages naming what is wrong, so forms and imports can show
them row by row.

Where python-stdnum is stricter than the standards as the rulebook reads them, this module
checks the parts itself:
- stdnum refuses a resident ID whose division code was created after the birth year; but the
  code is that of the household registration when the number was issued (GB 11643-1999 §5.2),
  so 150602 (东胜区, 2001) is valid for a person born in 1990 and 440524 for one born in 1880.
  The code must exist in the historical table, at any time.
- stdnum requires digits in positions 1–2 of a credit code; GB 32100-2015 allows the 31-character
  set there (registration authority `Y` = other authorities).
Input may carry spaces, hyphens and full-width characters (as typed or pasted from documents).
"""

from __future__ import annotations

import unicodedata
from datetime import date

from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 §4.2: no I, O, Z, S, V
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997


class IdentifierError(ValueError):
    """An identifier failed validation; str() is the user-facing message."""


def _compact(value: str | None) -> str:
    """NFKC (full-width → ASCII), upper case, without spaces, hyphens and similar separators."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-‐‑‒–—").upper()


def _division_known(code: str) -> bool:
    """The 6-digit code exists in python-stdnum's historical GB/T 2260 table (any period)."""
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return "county" in info


def validate_resident_id(value: str, *, today: date | None = None) -> str:
    """Return the normalised 18-character resident ID or raise IdentifierError.

    GB 11643-1999 (rulebook §9.1): 6-digit division code, birth date, 3-digit sequence and an
    ISO 7064 MOD 11-2 check character (X in upper case). A birth date in the future is refused;
    the division code must exist in the historical code table (it may be abolished today).
    """
    compact = _compact(value)
    if len(compact) != 18:
        raise IdentifierError(_("A resident ID number must have 18 characters."))
    if not compact[:17].isdigit() or not (compact[17].isdigit() or compact[17] == "X"):
        raise IdentifierError(
            _("A resident ID number may only contain digits, with X as its last character.")
        )
    if compact[17] != ric.calc_check_digit(compact):
        raise IdentifierError(_("The check character of the resident ID number is wrong."))
    try:
        birth = date(int(compact[6:10]), int(compact[10:12]), int(compact[12:14]))
    except ValueError as exc:
        raise IdentifierError(_("The birth date in the resident ID number is not valid.")) from exc
    if birth > (today or date.today()):  # noqa: DTZ011 - a calendar date, not a moment
        raise IdentifierError(_("The birth date in the resident ID number is in the future."))
    if not _division_known(compact[:6]):
        raise IdentifierError(
            _("The first six digits of the resident ID number are not an administrative "
              "division code.")
        )
    return compact


def resident_id_from_legacy(value: str, *, today: date | None = None) -> str:
    """Convert a 15-digit resident ID (issued before GB 11643-1999) to the 18-character form.

    Rulebook §9.1: insert "19" before the two-digit birth year and append the check character.
    Callers store that the number was converted. Raises IdentifierError.
    """
    compact = _compact(value)
    if len(compact) != 15 or not compact.isdigit():
        raise IdentifierError(_("An old resident ID number must have 15 digits."))
    first17 = compact[:6] + "19" + compact[6:]
    return validate_resident_id(first17 + resident_id_check_char(first17), today=today)


def validate_credit_code(value: str) -> str:
    """Return the normalised unified social credit code or raise IdentifierError.

    GB 32100-2015 (rulebook §9.2): 18 characters from 0-9 and A-Y without I, O, Z, S, V, with
    digits in positions 3–8 (the division code); the last one is a MOD 31 check character.
    """
    compact = _compact(value)
    if len(compact) != 18:
        raise IdentifierError(_("A unified social credit code must have 18 characters."))
    if any(ch not in CREDIT_CODE_ALPHABET for ch in compact) or not compact[2:8].isdigit():
        raise IdentifierError(
            _("The unified social credit code contains characters that are not allowed.")
        )
    if compact[17] != uscc.calc_check_digit(compact):
        raise IdentifierError(_("The check character of the unified social credit code is wrong."))
    return compact


def organisation_code_check_char(body: str) -> str:
    """GB 11714-1997 check character of an 8-character organisation code body."""
    values = [int(ch, 36) for ch in body]  # 0-9 → 0-9, A-Z → 10-35
    check = 11 - sum(v * w for v, w in zip(values, _ORG_CODE_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_embedded_org_code_ok(code: str) -> bool:
    """Soft check of positions 9–17 as a GB 11714 organisation code (rulebook §9.2).

    Warn, do not reject: some registries issue codes whose embedded part does not follow it.
    """
    compact = _compact(code)
    body, check = compact[8:16], compact[16:17]
    if len(body) != 8 or not body.isalnum() or not body.isascii():
        return False
    return organisation_code_check_char(body) == check


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters (used to make fixtures)."""
    return uscc.calc_check_digit(first17)


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits (used to make fixtures)."""
    return ric.calc_check_digit(first17 + "0")  # stdnum expects a placeholder check digit
