"""Resident ID numbers and unified social credit codes (rulebook §9.1, §9.2), via python-stdnum.

Errors carry Chinese-first gettext messages naming what is wrong, so forms and imports can show
them row by row.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric, uscc


class IdentifierError(ValueError):
    """An identifier failed validation; str() is the user-facing message."""


def validate_resident_id(value: str, *, today: date | None = None) -> str:
    """Return the normalised 18-character resident ID or raise IdentifierError.

    GB 11643-1999 (rulebook §9.1): 6-digit division code, birth date, 3-digit sequence and an
    ISO 7064 MOD 11-2 check character (X in upper case). A birth date in the future is refused.
    """
    compact = ric.compact(value or "").upper()
    if len(compact) != 18:
        raise IdentifierError(_("A resident ID number must have 18 characters."))
    try:
        ric.validate(compact)
    except stdnum_exceptions.InvalidChecksum as exc:
        raise IdentifierError(_("The check character of the resident ID number is wrong.")) from exc
    except stdnum_exceptions.InvalidComponent as exc:
        raise IdentifierError(_("The birth date in the resident ID number is not valid.")) from exc
    except stdnum_exceptions.ValidationError as exc:
        raise IdentifierError(_("The resident ID number is not valid.")) from exc
    birth = ric.get_birth_date(compact)
    if birth > (today or date.today()):  # noqa: DTZ011 - a calendar date, not a moment
        raise IdentifierError(_("The birth date in the resident ID number is in the future."))
    return compact


def validate_credit_code(value: str) -> str:
    """Return the normalised unified social credit code or raise IdentifierError.

    GB 32100-2015 (rulebook §9.2): 18 characters from 0-9 and A-Y without I, O, Z, S, V; the last
    one is a MOD 31 check character.
    """
    compact = uscc.compact(value or "").upper()
    if len(compact) != 18:
        raise IdentifierError(_("A unified social credit code must have 18 characters."))
    try:
        uscc.validate(compact)
    except stdnum_exceptions.InvalidChecksum as exc:
        raise IdentifierError(
            _("The check character of the unified social credit code is wrong.")
        ) from exc
    except stdnum_exceptions.ValidationError as exc:
        raise IdentifierError(
            _("The unified social credit code contains characters that are not allowed.")
        ) from exc
    return compact


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters (used to make fixtures)."""
    return uscc.calc_check_digit(first17)


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits (used to make fixtures)."""
    return ric.calc_check_digit(first17 + "0")  # stdnum expects a placeholder check digit
