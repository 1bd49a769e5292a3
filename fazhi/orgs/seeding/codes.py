"""Fictitious but well-formed unified social credit codes for seeded government organs."""

from __future__ import annotations

import hashlib

from fazhi.core.identifiers import credit_code_check_char

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check_char(body: str) -> str:
    """GB 11714-1997 check character of an 8-character organisation code body (rulebook §9.2).

    Character values: digits 0–9, letters A=10 … Z=35; weights 3 7 9 10 5 8 4 2;
    C = 11 − (S mod 11), where 10 → "X" and 11 → "0".
    """
    total = sum(int(ch, 36) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def organ_credit_code(division_code: str, name: str) -> str:
    """A GB 32100-2015 code for a government organ (registration authority 1 = staffing, category
    1 = organ) registered in `division_code`: 11 + division + 8-digit body derived from the name +
    its GB 11714 check + the MOD 31 check character. The same name always gets the same code."""
    digest = int(hashlib.sha256(f"{division_code}:{name}".encode()).hexdigest(), 16)
    body = f"{digest % 10**8:08d}"
    first17 = f"11{division_code}{body}{org_code_check_char(body)}"
    return first17 + credit_code_check_char(first17)
