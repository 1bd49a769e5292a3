"""Writes to the legal library: importing law texts as versions with their provisions.

Every write runs in one transaction and leaves an audit entry. Import is idempotent: a text whose
SHA-256 is already a version of the law changes nothing; a changed text becomes a new version and
the previous one is kept, closed at the new version's commencement (status "amended").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from fazhi.audit.services import audit_record
from fazhi.laws.models import (
    CHAPTER_SEP,
    Law,
    LawCategory,
    LawVersion,
    PenaltyClause,
    Provision,
    ProvisionKind,
    VersionStatus,
)
from fazhi.laws.numerals import from_int
from fazhi.laws.parsing import ParsedArticle, ParsedLaw, parse_law_file
from fazhi.orgs.models import Sector


@dataclass
class ImportResult:
    created_laws: int = 0
    new_versions: int = 0
    unchanged: int = 0
    provisions: int = 0
    penalty_clauses: int = 0
    slugs_changed: list[str] = field(default_factory=list)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def version_status(effective_from: dt.date, effective_to: dt.date | None, today: dt.date) -> str:
    """In force, not yet in force or amended, by today's date (Legislation Law art. 61: a text
    takes effect on the date it names)."""
    if effective_from > today:
        return VersionStatus.NOT_YET
    if effective_to is not None and effective_to <= today:
        return VersionStatus.AMENDED
    return VersionStatus.IN_FORCE


def article_key(slug: str, article: ParsedArticle) -> str:
    return f"{slug}/{article.slug}"


def _provision_rows(
    law: Law, version: LawVersion, parsed: ParsedLaw
) -> list[tuple[Provision, list[tuple[Provision, list[Provision]]]]]:
    """Unsaved provisions as (article, [(paragraph, [items])]) in document order."""
    tree = []
    position = 0
    for art in parsed.articles:
        position += 1
        art_key = article_key(law.slug, art)
        chapter = CHAPTER_SEP.join(art.chapter_path)
        common = {
            "version": version,
            "law": law,
            "article_no": art.number,
            "article_suffix": art.suffix,
            "chapter": chapter[:300],
        }
        article = Provision(
            key=art_key,
            kind=ProvisionKind.ARTICLE,
            label=art.label,
            text=art.text,
            position=position,
            **common,
        )
        paragraphs = []
        for para in art.paragraphs:
            position += 1
            para_label = f"{art.label}第{from_int(para.number)}款"
            paragraph = Provision(
                key=f"{art_key}/para-{para.number}",
                kind=ProvisionKind.PARAGRAPH,
                paragraph_no=para.number,
                label=para_label,
                text=para.text,
                position=position,
                **common,
            )
            items = []
            for item in para.items:
                position += 1
                items.append(
                    Provision(
                        key=f"{art_key}/para-{para.number}/item-{item.number}",
                        kind=ProvisionKind.ITEM,
                        paragraph_no=para.number,
                        item_no=item.number,
                        label=f"{para_label}第（{from_int(item.number)}）项",
                        text=item.text,
                        position=position,
                        **common,
                    )
                )
            paragraphs.append((paragraph, items))
        tree.append((article, paragraphs))
    return tree


def _save_provisions(law: Law, version: LawVersion, parsed: ParsedLaw) -> list[Provision]:
    tree = _provision_rows(law, version, parsed)
    articles = Provision.objects.bulk_create([a for a, _ in tree])
    paragraphs: list[Provision] = []
    for article, (_, paras) in zip(articles, tree, strict=True):
        for paragraph, _items in paras:
            paragraph.parent = article
            paragraphs.append(paragraph)
    Provision.objects.bulk_create(paragraphs)
    items: list[Provision] = []
    for _, paras in tree:
        for paragraph, para_items in paras:
            for item in para_items:
                item.parent = paragraph
                items.append(item)
    Provision.objects.bulk_create(items)
    return articles


def _save_penalties(articles: list[Provision], parsed: ParsedLaw) -> int:
    """Extract penalty facts for each article (fazhi.laws.penalties) and link the duties it
    enforces in the same version.

    Cited duties (违反本法第X条规定) go to `enforces`. The duties matched to each behaviour by
    wording are kept in `facts["inferred_enforces"]`, marked inferred: a drafting aid a lawyer
    confirms, never shown as the statute's own citation. The pages and the drafts API read this
    stored result; nothing infers again at read time.
    """
    from fazhi.laws.penalties import duty_index, extract_penalty, infer_enforced_articles

    by_number = {(a.article_no, a.article_suffix): a for a in articles}
    duties = None
    clauses: list[PenaltyClause] = []
    links: list[tuple[PenaltyClause, dict[int, Provision]]] = []
    for article in articles:
        facts = extract_penalty(article.text, article_no=article.article_no)
        if facts is None:
            continue
        data = facts.to_dict()
        targets: dict[int, Provision] = {}
        for ref in data.get("enforces", []):
            if ref.get("law"):  # a duty in another law: kept in facts, not linked
                continue
            target = by_number.get((ref.get("article"), ref.get("suffix") or 0))
            if target is not None and target.pk != article.pk:
                targets[target.pk] = target
        if facts.behaviours:
            duties = duties if duties is not None else duty_index(parsed.articles)
            data["inferred_enforces"] = infer_enforced_articles(
                facts, parsed.articles, index=duties
            )
        fines = [f for f in data.get("fines", []) if f.get("min") is not None or f.get("max")]
        clause = PenaltyClause(
            provision=article,
            types=list(data.get("types", [])),
            fine_min=min((f.get("min") or 0 for f in fines), default=None),
            fine_max=max((f["max"] for f in fines if f.get("max") is not None), default=None),
            authority=(data.get("authority") or "")[:300],
            facts=data,
        )
        clauses.append(clause)
        links.append((clause, targets))
    PenaltyClause.objects.bulk_create(clauses)
    Provision.objects.filter(pk__in=[c.provision_id for c in clauses]).update(is_penalty=True)
    through = PenaltyClause.enforces.through
    through.objects.bulk_create(
        [
            through(penaltyclause_id=clause.pk, provision_id=pk)
            for clause, targets in links
            for pk in targets
        ]
    )
    return len(clauses)


@transaction.atomic
def law_import(
    *,
    meta: Mapping[str, Any],
    path: Path,
    sectors: Iterable[str] = (),
    actor: Any = None,
    today: dt.date | None = None,
) -> tuple[str, int, int]:
    """Import one law text described by an index.json entry.

    Returns (outcome, provisions, penalty clauses) where outcome is "created" (new law),
    "new_version" or "unchanged".
    """
    today = today or timezone.localdate()
    parsed = parse_law_file(path)
    slug = Path(meta["file"]).stem
    category = meta["category"]
    if category not in LawCategory.values:
        raise ValueError(f"{meta['file']}: unknown category {category!r}")
    law_values = {
        "title": parsed.title,
        "short_title": meta.get("short_title") or "",
        "category": category,
        "issuing_body": meta.get("issuing_body") or "",
        "branch": meta.get("sector_zh") or meta.get("sector") or "",
        "topic": meta.get("topic") or "",
        "first_promulgated": _date(meta.get("first_adopted_or_promulgated")),
    }
    law, created = Law.objects.get_or_create(slug=slug, defaults=law_values)
    if not created and any(getattr(law, k) != v for k, v in law_values.items()):
        for k, v in law_values.items():
            setattr(law, k, v)
        law.save(update_fields=list(law_values))
    sector_ids = set(Sector.objects.filter(code__in=list(sectors)).values_list("pk", flat=True))
    if sector_ids != set(law.sectors.values_list("pk", flat=True)):
        law.sectors.set(sector_ids)

    if LawVersion.objects.filter(law=law, source_sha256=parsed.sha256).exists():
        return "unchanged", 0, 0

    effective_from = (
        _date(meta.get("effective_date"))
        or _date(meta.get("version_date"))
        or parsed.latest_history_date
        or today
    )
    previous = law.current_version
    version = LawVersion.objects.create(
        law=law,
        version_date=_date(meta.get("version_date")) or effective_from,
        effective_from=effective_from,
        status=version_status(effective_from, None, today),
        history=[
            {"date": h.date.isoformat() if h.date else None, "text": h.text} for h in parsed.history
        ],
        preamble=parsed.preamble,
        headings=[[depth, text] for depth, text in parsed.headings],
        article_count=len(parsed.articles),
        source_path=str(meta.get("source_path") or meta["file"]),
        source_sha256=parsed.sha256,
    )
    if previous is not None and previous.effective_from < effective_from:
        previous.effective_to = effective_from
        previous.status = version_status(previous.effective_from, effective_from, today)
        previous.save(update_fields=["effective_to", "status"])
    elif previous is not None:
        # A corrected text with the same commencement replaces the previous one outright.
        previous.status = VersionStatus.AMENDED
        previous.save(update_fields=["status"])
    law.current_version = version
    law.save(update_fields=["current_version"])
    articles = _save_provisions(law, version, parsed)
    penalties = _save_penalties(articles, parsed)
    provisions = Provision.objects.filter(version=version).count()
    audit_record(
        actor=actor,
        action="laws.version.create",
        target=version,
        detail={
            "law": slug,
            "sha256": parsed.sha256,
            "articles": len(articles),
            "provisions": provisions,
            "replaces": previous.pk if previous else None,
        },
    )
    return ("created" if previous is None else "new_version"), provisions, penalties


def laws_load(
    *,
    directory: Path,
    actor: Any = None,
    only: Iterable[str] = (),
    progress: Callable[[str], None] | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Import every law of `directory/index.json` (each law in its own transaction)."""
    index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    sectors_file = directory / "enforcing-sectors.json"
    sector_map: dict[str, list[str]] = {}
    if sectors_file.exists():
        data = json.loads(sectors_file.read_text(encoding="utf-8"))
        sector_map = data.get("laws", data) if isinstance(data, dict) else {}
    wanted = set(only)
    result = ImportResult()
    for meta in index["laws"]:
        slug = Path(meta["file"]).stem
        if wanted and slug not in wanted and meta["file"] not in wanted:
            continue
        outcome, provisions, penalties = law_import(
            meta=meta,
            path=directory / meta["file"],
            sectors=sector_map.get(slug, []),
            actor=actor,
            today=today,
        )
        if outcome == "unchanged":
            result.unchanged += 1
        else:
            result.created_laws += outcome == "created"
            result.new_versions += outcome == "new_version"
            result.provisions += provisions
            result.penalty_clauses += penalties
            result.slugs_changed.append(slug)
        if progress:
            progress(slug)
    if result.slugs_changed:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="laws.law.load",
                detail={
                    "directory": directory.name,
                    "created": result.created_laws,
                    "new_versions": result.new_versions,
                    "unchanged": result.unchanged,
                },
            )
    return result


@transaction.atomic
def version_statuses_refresh(*, today: dt.date | None = None, actor: Any = None) -> int:
    """Move versions whose commencement or end date has passed to their current status."""
    today = today or timezone.localdate()
    changed = 0
    for version in LawVersion.objects.exclude(status=VersionStatus.REPEALED).select_related("law"):
        status = version_status(version.effective_from, version.effective_to, today)
        if status != version.status:
            before = version.status
            version.status = status
            version.save(update_fields=["status"])
            audit_record(
                actor=actor,
                action="laws.version.status",
                target=version,
                before={"status": before},
                after={"status": status},
            )
            changed += 1
    return changed
