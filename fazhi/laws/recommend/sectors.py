"""Enforcement-sector reference table: which sectors enforce which laws.

data/laws/enforcing-sectors.json maps every law slug to sector codes (fazhi/orgs/reference.py
SECTORS, plus a few codes for vertical agencies SECTORS does not list: tax, customs, tobacco,
cyberspace, finance, archives, meteorology). ``*`` marks procedure texts every sector applies
(Administrative Penalty Law, Administrative Compulsion Law, …). The first code is the primary
enforcer. The recommender uses the table as a prior: an officer of the market sector most
likely means a market law, but a market officer may still meet a fire-safety case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ALL = "*"


@dataclass(frozen=True)
class SectorTable:
    laws: dict[str, tuple[str, ...]]  # law slug → sector codes ('*' = all)
    extra_codes: dict[str, str]

    @classmethod
    def load(cls, path: str | Path) -> SectorTable:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(
            laws={slug: tuple(codes) for slug, codes in data["laws"].items()},
            extra_codes=dict(data.get("extra_codes", {})),
        )

    @property
    def codes(self) -> set[str]:
        return {c for codes in self.laws.values() for c in codes if c != ALL}

    def laws_for(self, sector: str) -> set[str]:
        """Slugs of the laws the sector enforces, including the all-sector procedure texts."""
        if sector not in self.codes:
            raise ValueError(f"unknown enforcement sector {sector!r}")
        return {slug for slug, codes in self.laws.items() if sector in codes or ALL in codes}

    def primary_sector(self, law_slug: str) -> str | None:
        codes = [c for c in self.laws.get(law_slug, ()) if c != ALL]
        return codes[0] if codes else None
