"""Reads of the legal library for the reader pages, the picker and other apps' citation counts.

The library is public law: every logged-in user may read all of it, so these selectors take no
scope (DESIGN.md §2 applies `scoped()` to records that belong to an organisation; no law does).
Each selector states its query budget; the reader tests hold the pages to it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.html import escape

from fazhi.laws.models import (
    CHAPTER_SEP,
    Law,
    LawCategory,
    LawVersion,
    PenaltyClause,
    Provision,
    ProvisionKind,
)
from fazhi.orgs.models import Sector

LAW_FILTER_KEYS = ("category", "sector", "status", "q")


# --- browsing -------------------------------------------------------------------------------------


def law_list(filters: Mapping[str, Any] | None = None) -> QuerySet[Law]:
    """Laws narrowed by category, sector (code), status of the current version and title text.

    Budget: one query for a page of rows plus one for their sectors (prefetched).
    """
    qs = _law_filtered(filters or {}, skip=())
    rank = Case(
        *(When(category=value, then=Value(i)) for i, value in enumerate(LawCategory.values)),
        default=Value(len(LawCategory.values)),
    )
    return (
        qs.select_related("current_version")
        .prefetch_related("sectors")
        .order_by(rank, "title", "pk")
    )


def _law_filtered(filters: Mapping[str, Any], *, skip: Sequence[str]) -> QuerySet[Law]:
    qs = Law.objects.all()
    category = (filters.get("category") or "").strip()
    if category and "category" not in skip:
        qs = qs.filter(category=category)
    sector = (filters.get("sector") or "").strip()
    if sector:
        qs = qs.filter(sectors__code=sector)
    status = (filters.get("status") or "").strip()
    if status:
        qs = qs.filter(current_version__status=status)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(short_title__icontains=q))
    return qs


def law_category_counts(filters: Mapping[str, Any] | None = None) -> list[tuple[str, str, int]]:
    """(value, label, number of laws) per category under the other filters: one query."""
    counts = dict(
        _law_filtered(filters or {}, skip=("category",))
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk", distinct=True))
    )
    return [(value, label, counts.get(value, 0)) for value, label in LawCategory.choices]


def law_sector_choices() -> list[tuple[str, str, int]]:
    """(code, name, number of laws) of every enforcement sector: one query."""
    rows = (
        Sector.objects.annotate(n=Count("laws")).order_by("code").values_list("code", "name", "n")
    )
    return list(rows)


def law_by_slug(slug: str) -> Law:
    """One law with its current version; raises Law.DoesNotExist (views answer 404)."""
    return Law.objects.select_related("current_version").get(slug=slug)


def law_versions(law: Law) -> list[LawVersion]:
    """All versions of `law`, newest commencement first: one query."""
    return list(law.versions.order_by("-effective_from", "-pk"))


def law_version_for(
    law: Law, v: int | str | None = None, day: dt.date | None = None
) -> LawVersion | None:
    """The version to show: `v` (a version id of this law), else the one in force on `day`
    (LawVersion.objects.in_force_on), else the current version. None when `v` is not a version of
    this law or no version applied on `day`. At most one query."""
    if v not in (None, ""):
        try:
            pk = int(v)  # type: ignore[arg-type]  # str or int from a query string
        except (TypeError, ValueError):
            return None
        return LawVersion.objects.filter(law=law, pk=pk).first()
    if day is not None:
        return (
            LawVersion.objects.filter(law=law).in_force_on(day).order_by("-effective_from").first()
        )
    return law.current_version


# --- a version as a tree --------------------------------------------------------------------------


@dataclass
class ProvisionNode:
    """A provision with its children in document order (articles → paragraphs → items)."""

    provision: Provision
    children: list[ProvisionNode] = field(default_factory=list)
    short_label: str = ""  # the label without its parent's: "第一款", "第（二）项"

    @property
    def anchor(self) -> str:
        return provision_anchor(self.provision.key)

    @property
    def lead(self) -> str:
        """The provision's own sentence: a paragraph's text without the items printed under it."""
        text = self.provision.text
        if self.children and self.provision.kind == ProvisionKind.PARAGRAPH:
            return text.split("\n", 1)[0]
        return text

    @property
    def mark(self) -> str:
        """An item's printed number, "（二）", to link to its own page; "" otherwise."""
        m = _ITEM_MARK.match(self.provision.text)
        return m.group(0) if m and self.provision.kind == ProvisionKind.ITEM else ""

    @property
    def rest(self) -> str:
        return self.provision.text[len(self.mark) :]


_ITEM_MARK = re.compile(r"^[（(][〇零一二两三四五六七八九十百\d]+[）)]")


def provision_anchor(key: str) -> str:
    """HTML id of a provision on its law page: the key without the law slug (`art-124-para-1`)."""
    return key.partition("/")[2].replace("/", "-")


_TREE_FIELDS = (
    "id",
    "key",
    "kind",
    "parent_id",
    "label",
    "text",
    "chapter",
    "position",
    "is_penalty",
    "article_no",
    "article_suffix",
    "paragraph_no",
    "item_no",
    "version_id",
    "law_id",
)


def build_tree(provisions: Sequence[Provision], root_label: str = "") -> list[ProvisionNode]:
    """Roots (provisions whose parent is not in the list) with their descendants, in the given
    order. Pure Python over rows already fetched, so the page costs no query per article."""
    nodes = {p.pk: ProvisionNode(p) for p in provisions}
    roots: list[ProvisionNode] = []
    for p in provisions:
        node = nodes[p.pk]
        parent = nodes.get(p.parent_id) if p.parent_id else None
        above = parent.provision.label if parent else root_label
        node.short_label = p.label.removeprefix(above) if above else p.label
        (parent.children if parent else roots).append(node)
    return roots


def version_provisions(version: LawVersion) -> list[ProvisionNode]:
    """Every article of `version` with its paragraphs and items: one query, however long the law."""
    rows = list(Provision.objects.filter(version=version).order_by("position").only(*_TREE_FIELDS))
    return build_tree(rows)


@dataclass(frozen=True)
class Heading:
    depth: int
    text: str
    anchor: str


@dataclass
class Outline:
    """Table of contents and the body as a sequence of headings and articles."""

    toc: list[Heading]
    body: list[Heading | ProvisionNode]


def version_outline(version: LawVersion, articles: Sequence[ProvisionNode]) -> Outline:
    """Interleave `version.headings` with the articles by each article's chapter path.

    Headings come in document order; an article's chapter path names the headings above it, so a
    heading is emitted before the first article under it (and headings with no article of their
    own, e.g. a chapter made only of sections, just before the next one that has).
    """
    toc = [Heading(int(d), str(t), f"h-{i + 1}") for i, (d, t) in enumerate(version.headings or [])]
    body: list[Heading | ProvisionNode] = []
    cursor = 0
    current: tuple[str, ...] = ()
    for node in articles:
        chapter = node.provision.chapter
        path = tuple(chapter.split(CHAPTER_SEP)) if chapter else ()
        if path != current:
            common = 0
            while common < min(len(path), len(current)) and path[common] == current[common]:
                common += 1
            for wanted in path[common:]:
                for j in range(cursor, len(toc)):
                    if toc[j].text == wanted:
                        body.extend(toc[cursor : j + 1])
                        cursor = j + 1
                        break
            current = path
        body.append(node)
    body.extend(toc[cursor:])
    return Outline(toc=toc, body=body)


# --- one provision --------------------------------------------------------------------------------


def provision_by_key(key: str, version_id: int | str | None = None) -> Provision:
    """The provision `key` in version `version_id`, or in its law's current version; raises
    Provision.DoesNotExist. One query (law, version, current version and penalty joined)."""
    qs = Provision.objects.select_related("law__current_version", "version", "penalty").filter(
        key=key
    )
    if version_id not in (None, ""):
        try:
            return qs.get(version_id=int(version_id))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise Provision.DoesNotExist from None
    current = qs.filter(version_id=F("law__current_version")).first()
    if current is not None:
        return current
    # A key the current version no longer has (a repealed article): the latest version with it.
    return qs.order_by("-version__effective_from").first() or qs.get()


def provision_family(provision: Provision) -> tuple[list[Provision], list[ProvisionNode]]:
    """(ancestors from the article down, children as a tree) of a provision: one query."""
    parts = provision.key.split("/")
    ancestors = ["/".join(parts[:i]) for i in range(2, len(parts))]
    rows = list(
        Provision.objects.filter(version_id=provision.version_id)
        .filter(Q(key__in=ancestors) | Q(key__startswith=provision.key + "/"))
        .select_related("penalty")
        .order_by("position")
    )
    above = [p for p in rows if p.key in ancestors]
    below = [p for p in rows if p.key not in ancestors]
    for p in below:  # the provision itself is the root of the subtree
        if p.parent_id == provision.pk:
            p.parent_id = None
    return above, build_tree(below, root_label=provision.label)


def provision_versions(key: str) -> list[Provision]:
    """The same key in every version that has it, newest first: one query."""
    return list(
        Provision.objects.filter(key=key)
        .select_related("version")
        .only(
            "id",
            "key",
            "version_id",
            "version__version_date",
            "version__effective_from",
            "version__effective_to",
            "version__status",
            "text",
        )
        .order_by("-version__effective_from", "-version_id")
    )


def penalty_enforces(clause: PenaltyClause) -> list[Provision]:
    """The duty provisions a penalty article enforces (PenaltyClause.enforces): one query."""
    return list(clause.enforces.order_by("position").only("id", "key", "label", "version_id"))


def penalty_enforced_by(article: Provision) -> list[Provision]:
    """Penalty articles of the same version that enforce `article`: linked through
    PenaltyClause.enforces, or naming it in the extractor's `enforces` ("违反本法第六十五条规定",
    e.g. 《食品安全法》第一百二十六条 → 第六十五条). One query."""
    linked = PenaltyClause.enforces.through.objects.filter(
        penaltyclause_id=OuterRef("pk"), provision_id=article.pk
    )
    clauses = (
        PenaltyClause.objects.filter(provision__version_id=article.version_id)
        .filter(Q(Exists(linked)) | Q(provision__text__contains=article.label))
        .exclude(provision_id=article.pk)
        .annotate(linked=Exists(linked))
        .select_related("provision")
        .order_by("provision__position")
    )
    wanted = (article.article_no, article.article_suffix)
    out = []
    for clause in clauses:
        if clause.linked or wanted in _same_law_refs((clause.facts or {}).get("enforces")):
            clause.provision.penalty = clause  # the fine range shown next to the link
            out.append(clause.provision)
    return out


def _same_law_refs(refs: Any) -> list[tuple[int, int]]:
    """(article, suffix) of the references to other articles of the same law in a facts list."""
    out = []
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and ref.get("article") and not ref.get("law"):
            out.append((int(ref["article"]), int(ref.get("suffix") or 0)))
    return out


def penalty_applied_by(article: Provision) -> list[Provision]:
    """Articles of the same version whose penalty is "依照本法第X条的规定处罚" with X = `article`
    (e.g. 《食品安全法》第一百二十九条 applies 第一百二十四条): the extractor's
    `applies_penalty_of`, narrowed in the database by the label in the text. One query."""
    wanted = (article.article_no, article.article_suffix)
    clauses = (
        PenaltyClause.objects.filter(
            provision__version_id=article.version_id, provision__text__contains=article.label
        )
        .exclude(provision_id=article.pk)
        .select_related("provision")
        .order_by("provision__position")
    )
    return [
        c.provision
        for c in clauses
        if wanted in _same_law_refs((c.facts or {}).get("applies_penalty_of"))
    ]


def penalty_applies(clause: PenaltyClause) -> list[Provision]:
    """The articles whose penalty this one applies by reference: one query (none if it names
    none)."""
    refs = _same_law_refs((clause.facts or {}).get("applies_penalty_of"))
    if not refs:
        return []
    article = clause.provision
    slug = article.key.split("/", 1)[0]
    keys = [f"{slug}/art-{n}" + (f"-{s}" if s else "") for n, s in refs]
    return list(
        Provision.objects.filter(version_id=article.version_id, key__in=keys)
        .only("id", "key", "label", "version_id")
        .order_by("position")
    )


@dataclass(frozen=True)
class InferredDuty:
    """A duty provision matched to one behaviour of a penalty article by text similarity."""

    provision: Provision
    behaviour: str
    score: float


def inferred_enforces(clause: PenaltyClause) -> list[InferredDuty]:
    """Duty provisions a "违反本法规定" penalty article enforces without naming them
    (fazhi.laws.penalties.infer_enforced_articles): a drafting aid marked as inferred.

    The importer stores them in `facts["inferred_enforces"]` (services._save_penalties); this
    maps them to provisions: one query for the version's provisions, whatever its length.
    """
    facts = clause.facts if isinstance(clause.facts, dict) else {}
    stored = facts.get("inferred_enforces")
    if not isinstance(stored, list) or not stored:
        return []
    rows = list(
        Provision.objects.filter(version_id=clause.provision.version_id)
        .order_by("position")
        .only(*_TREE_FIELDS)
    )
    tree = build_tree(rows)
    found = [d for d in stored if isinstance(d, dict)]
    behaviours = {
        (b.get("paragraph"), b.get("item")): b.get("text", "")
        for b in facts.get("behaviours", [])
        if isinstance(b, dict)
    }
    index: dict[tuple[int, int, int | None], Provision] = {}
    for node in tree:
        a = node.provision
        index[(a.article_no, a.article_suffix, None)] = a
        for para in node.children:
            for item in para.children:
                index.setdefault(
                    (a.article_no, a.article_suffix, item.provision.item_no), item.provision
                )
    out: list[InferredDuty] = []
    seen: set[int] = set()
    for d in found:
        target = index.get((d.get("article"), d.get("suffix") or 0, d.get("item")))
        target = target or index.get((d.get("article"), d.get("suffix") or 0, None))
        if target is None or target.pk in seen or target.pk == clause.provision_id:
            continue
        seen.add(target.pk)
        behaviour = behaviours.get((d.get("behaviour_paragraph"), d.get("behaviour_item")), "")
        out.append(InferredDuty(target, behaviour, float(d.get("score") or 0)))
    return out


def newer_version(provision: Provision, versions: Sequence[Provision]) -> Provision | None:
    """The same key in the newest version later than `provision`'s, if any (no query)."""
    mine = provision.version.effective_from
    later = [p for p in versions if p.version.effective_from > mine]
    return later[0] if later else None


# --- citations by other apps ----------------------------------------------------------------------

# Fields of the library itself that point at provisions: structure, not citations.
_INTERNAL = {
    ("laws.provision", "parent"),
    ("laws.penaltyclause", "provision"),
    ("laws.penaltyclause", "enforces"),
}


def citing_fields() -> list[tuple[type[Model], str]]:
    """(model, field name) of every installed FK, one-to-one and M2M to Provision that records a
    citation, found through django.apps so a new app is counted without registering here.

    A many-to-many with an explicit `through` model is counted once, through that model's FK.
    """
    found: list[tuple[type[Model], str]] = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not f.is_relation or f.auto_created or f.related_model is not Provision:
                continue
            if (model._meta.label_lower, f.name) in _INTERNAL:
                continue
            if f.many_to_many and not f.remote_field.through._meta.auto_created:
                continue
            if f.concrete or f.many_to_many:
                found.append((model, f.name))
    return found


def citation_counts(provision: Provision | str) -> dict[str, int]:
    """{"app_label.model": number of records citing the provision} over every version of its key.

    A record that cites the key twice (two versions through one M2M) counts once. One query per
    citing field, whatever the number of records; models with no citation are left out.
    """
    key = provision if isinstance(provision, str) else provision.key
    counts: dict[str, int] = {}
    for model, name in citing_fields():
        n = (
            model._default_manager.filter(**{f"{name}__key": key})
            .order_by()
            .values("pk")
            .distinct()
            .count()
        )
        if n:
            label = model._meta.label_lower
            counts[label] = counts.get(label, 0) + n
    return counts


def total_citations(key: str) -> int:
    """Citations of `key` by any app, across versions (usage rates come later from real cases)."""
    return sum(citation_counts(key).values())


# --- picker ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A provision offered by the picker; `snippet_html` is escaped HTML (search marks hits)."""

    provision: Provision
    snippet_html: str = ""
    score: float = 0.0


_KEY_RE = re.compile(r"^[a-z0-9-]+/art-\d+(?:-\d+)?(?:/para-\d+(?:/item-\d+)?)?$")


def provision_suggestions(q: str, *, user: Any, top: int = 8) -> list[Suggestion]:
    """Provisions for the picker (search + recommend): an exact key first, then the recommender's
    penalty provisions for a description of facts (with the user's agency sector as context),
    then keyword search hits (which also reach duty articles, paragraphs and items), without
    repeats."""
    q = (q or "").strip()
    if not q:
        return []
    found: list[Suggestion] = []
    if _KEY_RE.match(q):
        with contextlib.suppress(Provision.DoesNotExist):
            found.append(Suggestion(provision_by_key(q)))
    found += _recommended(q, top, _user_sector(user)) + _searched(q, top)
    seen: set[int] = set()
    unique = []
    for s in found:
        if s.provision.pk not in seen:
            seen.add(s.provision.pk)
            unique.append(s)
    return unique[:top]


def _recommended(q: str, top: int, sector: str | None) -> list[Suggestion]:
    from fazhi.laws import recommending

    return [
        Suggestion(r.provision, str(escape(r.snippet)), r.score)
        for r in recommending.recommend(q, top=top, sector=sector)
    ]


def _user_sector(user: Any) -> str | None:
    """The officer's agency's sector: the recommender's context (recommender-notes.md)."""
    from fazhi.laws import recommending

    sector = getattr(getattr(user, "agency", None), "sector", None)
    code = getattr(sector, "code", None)
    return code if code in recommending.known_sectors() else None


def _searched(q: str, top: int) -> list[Suggestion]:
    from fazhi.laws.search import search

    result = search(q, limit=top)
    by_id = Provision.objects.select_related("law", "version").in_bulk(
        [h.provision_id for h in result.hits]
    )
    return [
        Suggestion(by_id[h.provision_id], h.snippet_html, h.score)
        for h in result.hits
        if h.provision_id in by_id
    ]


def provision_for_widget(pk: Any) -> Provision | None:
    """The chosen provision of a picker widget (its citation and version date): one query."""
    try:
        return Provision.objects.select_related("law", "version").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None
