"""JSON API of the legal library: laws, provisions (by id or key, at a date), search, recommend,
and one-step drafts of an authority-list item and a discretion benchmark from a penalty article.

The library is public law: every signed-in user reads all of it (no data scope applies).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fazhi.laws import recommending, selectors
from fazhi.laws.api.serializers import (
    LawDetailSerializer,
    LawSerializer,
    ProvisionSerializer,
    RecommendationSerializer,
    RecommendQuerySerializer,
    SearchHitSerializer,
)
from fazhi.laws.models import Law, LawCategory, LawVersion, PenaltyClause, Provision, VersionStatus


def _laws() -> QuerySet[Law]:
    return Law.objects.select_related("current_version").prefetch_related("sectors")


def _provisions() -> QuerySet[Provision]:
    return Provision.objects.select_related("law", "version", "penalty").prefetch_related(
        Prefetch("penalty__enforces", queryset=Provision.objects.only("id", "key"))
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="laws_law_list",
        parameters=[
            OpenApiParameter("category", str, enum=LawCategory.values),
            OpenApiParameter("sector", str, description="Enforcement sector code, e.g. market"),
            OpenApiParameter("q", str, description="Part of the title"),
        ],
    )
)
class LawListApi(ListAPIView):
    """Laws of the library with their current version."""

    serializer_class = LawSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Law]:
        params = self.request.query_params
        laws = _laws().order_by("category", "title")
        if params.get("category"):
            laws = laws.filter(category=params["category"])
        if params.get("sector"):
            laws = laws.filter(sectors__code=params["sector"])
        if params.get("q"):
            laws = laws.filter(title__contains=params["q"][:100])
        return laws


@extend_schema_view(get=extend_schema(operation_id="laws_law_detail"))
class LawDetailApi(RetrieveAPIView):
    """One law with all its versions."""

    serializer_class = LawDetailSerializer
    lookup_field = "slug"
    queryset = _laws().prefetch_related("versions")


@extend_schema_view(get=extend_schema(operation_id="laws_provision_detail"))
class ProvisionDetailApi(RetrieveAPIView):
    """One provision with its version and, for a penalty article, the parsed penalty facts."""

    serializer_class = ProvisionSerializer
    queryset = _provisions()


def _date_param(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"date": "日期格式应为 YYYY-MM-DD"}) from None


@extend_schema_view(
    get=extend_schema(
        operation_id="laws_provision_lookup",
        parameters=[
            OpenApiParameter("key", str, required=True, description="e.g. food-safety-law/art-124"),
            OpenApiParameter("date", dt.date, description="the version in force on this day"),
        ],
        responses=ProvisionSerializer,
    )
)
class ProvisionLookupApi(APIView):
    """A provision by its stable key: in the current version, or in the version in force on
    `date` (point in time)."""

    def get(self, request: Request) -> Response:
        key = request.query_params.get("key", "").strip()
        if not key:
            raise ValidationError({"key": "请提供条文编号（key）"})
        day = _date_param(request.query_params.get("date"))
        slug = key.split("/", 1)[0]
        versions = LawVersion.objects.filter(law__slug=slug)
        if day is None:
            version = Law.objects.filter(slug=slug).values_list("current_version", flat=True)
            version_id = version.first()
        else:
            version_id = (
                versions.in_force_on(day)
                .exclude(status=VersionStatus.REPEALED)
                .order_by("-effective_from", "-id")
                .values_list("id", flat=True)
                .first()
            )
        provision = _provisions().filter(key=key, version_id=version_id).first()
        if provision is None:
            raise Http404
        return Response(ProvisionSerializer(provision).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="laws_search",
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("category", str, enum=LawCategory.values),
            OpenApiParameter("sector", str),
            OpenApiParameter("status", str, enum=VersionStatus.values),
            OpenApiParameter("law", str, description="law slug: search inside one law"),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses=inline_serializer(
            "LawSearchResult",
            {"total": serializers.IntegerField(), "results": SearchHitSerializer(many=True)},
        ),
    )
)
class SearchApi(APIView):
    """Full-text search over all provisions, best first, with highlighted snippets."""

    def get(self, request: Request) -> Response:
        from fazhi.laws.search import search

        params = request.query_params
        query = params.get("q", "").strip()[:200]
        if not query:
            raise ValidationError({"q": "请输入检索词"})
        try:
            limit = min(max(int(params.get("limit", 20)), 1), 100)
            offset = max(int(params.get("offset", 0)), 0)
        except ValueError:
            raise ValidationError({"limit": "limit 和 offset 应为整数"}) from None
        result = search(
            query,
            category=params.get("category") or None,
            sector=params.get("sector") or None,
            status=params.get("status") or None,
            law=params.get("law") or None,
            limit=limit,
            offset=offset,
        )
        rows = {
            p.pk: p
            for p in Provision.objects.filter(
                pk__in=[h.provision_id for h in result.hits]
            ).select_related("law")
        }
        results = [
            {
                "key": h.key,
                "provision_id": h.provision_id,
                "law_title": rows[h.provision_id].law.title,
                "label": rows[h.provision_id].label,
                "snippet_html": h.snippet_html,
                "score": h.score,
            }
            for h in result.hits
            if h.provision_id in rows
        ]
        return Response({"total": result.total, "results": results})


@extend_schema_view(
    get=extend_schema(
        operation_id="laws_recommend",
        parameters=[
            OpenApiParameter("q", str, required=True, description="what the officer saw"),
            OpenApiParameter("top", int, description="1–20, default 5"),
            OpenApiParameter("sector", str, description="enforcement sector code as context"),
            OpenApiParameter("laws", str, description="comma-separated law slugs as context"),
        ],
        responses=RecommendationSerializer(many=True),
    )
)
class RecommendApi(APIView):
    """Ranked provisions for a colloquial description of a violation (issue 3 item 6)."""

    def get(self, request: Request) -> Response:
        params = RecommendQuerySerializer(data=request.query_params)
        if not params.is_valid():
            raise ValidationError(params.errors)
        data: dict[str, Any] = params.validated_data
        laws = [s.strip() for s in data.get("laws", "").split(",") if s.strip()] or None
        sector = data.get("sector") or None
        if sector and sector not in recommending.known_sectors():
            raise ValidationError({"sector": f"未知的执法领域：{sector}"})
        results = recommending.recommend(data["q"], top=data["top"], sector=sector, laws=laws)
        return Response(RecommendationSerializer([r.as_dict() for r in results], many=True).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="laws_provision_drafts",
        responses=inline_serializer(
            "ProvisionDrafts",
            {"authority_item": serializers.JSONField(), "benchmark": serializers.JSONField()},
        ),
    )
)
class ProvisionDraftsApi(APIView):
    """Drafts of an authority-list item and a discretion benchmark from one penalty article,
    for the enforcement app to save after a person has checked them."""

    def get(self, request: Request, pk: int) -> Response:
        from fazhi.laws.penalties import PenaltyFacts, draft_authority_item, draft_benchmark

        try:
            clause = PenaltyClause.objects.select_related("provision__law").get(provision_id=pk)
        except PenaltyClause.DoesNotExist:
            raise Http404 from None
        facts = PenaltyFacts.from_dict(clause.facts)
        provision = clause.provision
        inferred = selectors.inferred_enforces(clause)
        item = draft_authority_item(
            facts,
            law_title=provision.law.title,
            article_label=provision.label,
            inferred_duties=clause.facts.get("inferred_enforces") or [],
        )
        # The same basis as provision keys, ready for the authority list's Provision links;
        # inferred duties are listed apart because a lawyer confirms them first.
        item["legal_basis_keys"] = [
            provision.key,
            *clause.enforces.order_by("position").values_list("key", flat=True),
        ]
        item["inferred_duty_keys"] = [d.provision.key for d in inferred]
        return Response({"authority_item": item, "benchmark": draft_benchmark(facts)})
