"""The reader: browse the library, read a law with its table of contents, one provision per page.

Every logged-in user may read the whole library (public law; no Scope). Reads go through
fazhi.laws.selectors, whose query budgets the reader tests assert.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from fazhi.laws import selectors
from fazhi.laws.models import Law, PenaltyClause, Provision, ProvisionKind, VersionStatus

PAGE_SIZE = 30
SEARCH_LIMIT = 50


# --- money and penalty facts, for people ----------------------------------------------------------


def yuan(amount: Any) -> str:
    """An amount in yuan as the statutes write it: 万元 from ten thousand up, else 元."""
    if amount in (None, ""):
        return ""
    value = Decimal(str(amount))
    if abs(value) >= 10000:
        text = f"{value / 10000:f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return f"{text}万元"
    text = f"{value:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return f"{text}元"


def _number(value: Any) -> str:
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount_range(low: Any, high: Any, fmt: Any = yuan) -> str:
    """ "5万元 to 10万元", "up to 2000元", "at least 1万元" (statutory 以上/以下 are inclusive;
    the extractor writes a fine "…以下" as min 0 and a fine "…以上" as max None)."""
    has_low = low not in (None, "") and Decimal(str(low)) != 0
    has_high = high not in (None, "")
    if has_low and has_high:
        if Decimal(str(low)) == Decimal(str(high)):
            return fmt(low)
        return _("%(low)s to %(high)s") % {"low": fmt(low), "high": fmt(high)}
    if has_high:
        return _("up to %(high)s") % {"high": fmt(high)}
    if has_low:
        return _("at least %(low)s") % {"low": fmt(low)}
    return ""


def _times(value: Any) -> str:
    """A multiple of the basis: 十倍 → "10 times"; 百分之三十 (stored as 0.3) → "30%"."""
    number = Decimal(str(value))
    if 0 < number < 1:
        return f"{_number(number * 100)}%"
    return _("%(n)s times") % {"n": _number(number)}


def _days(value: Any) -> str:
    return _("%(n)s days") % {"n": value}


def _rows(value: Any) -> list[dict[str, Any]]:
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def penalty_panel(clause: PenaltyClause) -> dict[str, Any]:
    """The extractor's facts (fazhi.laws.penalties.PenaltyFacts.to_dict) made readable; any key
    may be missing or malformed and then renders as absent.

    Types are 行政处罚法 art. 9's; fines and multiples are its "罚款" (art. 9(2)) as ranges per
    condition; detention is 行政拘留 (art. 9(5)); the authority is whoever the article names.
    """
    from fazhi.laws.penalties import PENALTY_TYPES

    facts = clause.facts if isinstance(clause.facts, dict) else {}
    types = clause.types or facts.get("types") or []
    fines = [
        {
            "range": amount_range(f.get("min"), f.get("max")),
            "condition": f.get("condition") or "",
            "target": f.get("target") or "",
            "paragraph": f.get("paragraph"),
        }
        for f in _rows(facts.get("fines"))
    ]
    multiples = []
    for m in _rows(facts.get("multiples")):
        per_unit = m.get("unit") == "yuan_per_unit"
        multiples.append(
            {
                "range": amount_range(m.get("min"), m.get("max"), fmt=yuan if per_unit else _times),
                "basis": m.get("basis_text") or m.get("basis") or "",
                "condition": m.get("condition") or "",
                "target": m.get("target") or "",
                "paragraph": m.get("paragraph"),
            }
        )
    detentions = [
        {
            "range": amount_range(d.get("min_days"), d.get("max_days"), fmt=_days),
            "condition": d.get("condition") or "",
            "paragraph": d.get("paragraph"),
        }
        for d in _rows(facts.get("detentions"))
    ]
    other_law = [
        str(r.get("text") or r.get("law")) for r in _rows(facts.get("enforces")) if r.get("law")
    ]
    return {
        "types": [PENALTY_TYPES.get(str(t), str(t)) for t in types]
        if isinstance(types, list)
        else [],
        "fines": [f for f in fines if f["range"]],
        "multiples": [m for m in multiples if m["range"]],
        "detentions": [d for d in detentions if d["range"]],
        "overall": amount_range(clause.fine_min, clause.fine_max),
        "authority": clause.authority or facts.get("authority") or "",
        "other_law_duties": other_law,
        "criminal_referral": bool(facts.get("criminal_referral")),
    }


# --- pages ---------------------------------------------------------------------------------------


def law_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in selectors.LAW_FILTER_KEYS}
    page = Paginator(selectors.law_list(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    without_category = query.copy()
    without_category.pop("category", None)
    return render(
        request,
        "laws/law_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "query_without_category": without_category.urlencode(),
            "categories": selectors.law_category_counts(filters),
            "sectors": selectors.law_sector_choices(),
            "statuses": VersionStatus.choices,
        },
    )


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _search_in_law(law: Law, q: str, articles: list[selectors.ProvisionNode]) -> dict[str, Any]:
    """Hits of `q` inside one law: fazhi.laws.search when installed, else a plain substring scan
    of the version already on the page (no query)."""
    try:
        from fazhi.laws.search import search
    except ImportError:
        search = None
    by_key: dict[str, selectors.ProvisionNode] = {}
    stack = list(articles)
    while stack:
        node = stack.pop()
        by_key[node.provision.key] = node
        stack.extend(node.children)
    if search is not None:
        result = search(q, law=law.slug, limit=SEARCH_LIMIT)
        hits = [
            {
                "key": h.key,
                "anchor": selectors.provision_anchor(h.key) if h.key in by_key else "",
                "label": by_key[h.key].provision.label if h.key in by_key else h.key,
                "snippet": mark_safe(h.snippet_html),  # noqa: S308 - search escapes its snippets
            }
            for h in result.hits
        ]
        return {"hits": hits, "total": result.total, "engine": "search"}
    hits = [
        {"key": k, "anchor": n.anchor, "label": n.provision.label, "snippet": n.lead[:120]}
        for k, n in sorted(by_key.items(), key=lambda kv: kv[1].provision.position)
        if q in n.provision.text and n.provision.kind == ProvisionKind.ARTICLE
    ]
    return {"hits": hits[:SEARCH_LIMIT], "total": len(hits), "engine": "substring"}


def law_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        law = selectors.law_by_slug(slug)
    except Law.DoesNotExist as exc:
        raise Http404 from exc
    v = request.GET.get("v", "").strip()
    date_text = request.GET.get("date", "").strip()
    day = _day(date_text)
    notice = ""
    version = selectors.law_version_for(law, v=v or None, day=day)
    if version is None and v:
        raise Http404
    if version is None:
        if date_text and day is None:
            notice = _("“%(date)s” is not a date (YYYY-MM-DD).") % {"date": date_text}
        elif day is not None:
            notice = _("No version of this law was in force on %(date)s.") % {"date": day}
        version = law.current_version
    if version is None:  # a law without any text yet
        raise Http404
    articles = selectors.version_provisions(version)
    outline = selectors.version_outline(version, articles)
    q = request.GET.get("q", "").strip()
    return render(
        request,
        "laws/law_detail.html",
        {
            "law": law,
            "version": version,
            "is_current": version.pk == law.current_version_id,
            "versions": selectors.law_versions(law),
            "sectors": list(law.sectors.all()),
            "outline": outline,
            "article_count": len(articles),
            "notice": notice,
            "q": q,
            "date": date_text,
            "search": _search_in_law(law, q, articles) if q else None,
        },
    )


def _model_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except LookupError:
        return label


def provision_detail(request: HttpRequest, key: str) -> HttpResponse:
    key = key.strip("/")
    try:
        provision = selectors.provision_by_key(key, request.GET.get("v") or None)
    except Provision.DoesNotExist as exc:
        raise Http404 from exc
    ancestors, children = selectors.provision_family(provision)
    article = ancestors[0] if ancestors else provision
    clause = getattr(article, "penalty", None) if article.is_penalty else None
    versions = selectors.provision_versions(key)
    citations = selectors.citation_counts(key)
    own = selectors.ProvisionNode(provision, children)
    context: dict[str, Any] = {
        "provision": provision,
        "law": provision.law,
        "version": provision.version,
        "article": article,
        "ancestors": ancestors,
        "chapters": provision.chapter.split(selectors.CHAPTER_SEP) if provision.chapter else [],
        "children": children,
        "lead": own.lead if children and provision.kind == ProvisionKind.PARAGRAPH else "",
        "anchor": selectors.provision_anchor(provision.key),
        "permalink": request.build_absolute_uri(provision.get_absolute_url()),
        "versions": versions,
        "newer": selectors.newer_version(provision, versions),
        "clause": clause,
        "panel": penalty_panel(clause) if clause else None,
        "enforces": selectors.penalty_enforces(clause) if clause else [],
        "inferred": selectors.inferred_enforces(clause) if clause else [],
        "applies": selectors.penalty_applies(clause) if clause else [],
        "applied_by": selectors.penalty_applied_by(article) if clause else [],
        "enforced_by": [
            {"provision": p, "fine": amount_range(p.penalty.fine_min, p.penalty.fine_max)}
            for p in selectors.penalty_enforced_by(article)
        ],
        "citations": [(label, _model_name(label), n) for label, n in sorted(citations.items())],
        "citation_total": sum(citations.values()),
    }
    return render(request, "laws/provision_detail.html", context)
