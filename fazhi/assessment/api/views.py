"""JSON API of the assessment: ranking and the drill-down, with the same selectors as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fazhi.assessment import selectors
from fazhi.assessment.api.serializers import (
    RankingSerializer,
    ScoreEntrySerializer,
    TargetBreakdownSerializer,
)

PERIOD_PARAM = OpenApiParameter(
    "period", str, description="Period code, e.g. 2025 or 2025-q1; default: latest year with data"
)
KIND_PARAM = OpenApiParameter(
    "kind", str, OpenApiParameter.PATH, enum=list(selectors.TARGET_KINDS),
    description="government or agency",
)
NODE_PARAMS = [
    OpenApiParameter("node", int, description="Indicator id: limit to this node's subtree"),
    OpenApiParameter("exact", bool, description="With node: only entries on that indicator"),
]


class RankingApi(APIView):
    """Targets of one level in the caller's scope, ranked by total points in a period."""

    @extend_schema(
        operation_id="assessment_ranking",
        parameters=[
            OpenApiParameter("level", str, enum=list(selectors.LEVELS)),
            PERIOD_PARAM,
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses=RankingSerializer,
    )
    def get(self, request: Request) -> Response:
        level = request.query_params.get("level") or "prefecture"
        if level not in selectors.LEVELS:
            raise Http404("unknown level")
        period, _ = selectors.period_resolve(request.user, request.query_params.get("period"))
        rows: Any = []
        count = 0
        if period is not None:
            paginator = LimitOffsetPagination()
            qs = selectors.ranking_for(request.user, level=level, period=period)
            rows = paginator.paginate_queryset(qs, request, view=self) or []
            count = paginator.count
        data = {
            "level": level,
            "target_kind": "agency" if level == "department" else "government",
            "period": period,
            "count": count,
            "results": rows,
        }
        return Response(RankingSerializer(data).data)


class TargetBreakdownApi(APIView):
    """One target's total in a period, per aspect, and per indicator below `node`."""

    @extend_schema(
        operation_id="assessment_target_breakdown",
        parameters=[KIND_PARAM, PERIOD_PARAM, NODE_PARAMS[0]],
        responses=TargetBreakdownSerializer,
    )
    def get(self, request: Request, kind: str, pk: int) -> Response:
        target = selectors.target_get_for(request.user, kind=kind, pk=pk)
        period, _ = selectors.period_resolve(request.user, request.query_params.get("period"))
        if period is None:
            raise Http404("no assessment period")
        breakdown = selectors.target_breakdown(request.user, target=target, period=period)
        indicators = None
        if request.query_params.get("node"):
            node = selectors.indicator_get(request.query_params["node"])
            indicators = selectors.node_breakdown(
                request.user, target=target, period=period, node=node
            )
        data = {
            "target": {"kind": kind, "id": target.pk, "name": target.name},
            "period": period,
            "total": breakdown.total,
            "entry_count": breakdown.entry_count,
            "aspects": breakdown.aspects,
            "indicators": indicators,
        }
        return Response(TargetBreakdownSerializer(data).data)


class TargetEntryListApi(ListAPIView):
    """The score entries behind a target's total, newest first (limit/offset)."""

    serializer_class = ScoreEntrySerializer
    filter_backends: list[type] = []

    @extend_schema(
        operation_id="assessment_target_entries",
        parameters=[KIND_PARAM, PERIOD_PARAM, *NODE_PARAMS],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.request
        kind, pk = self.kwargs["kind"], self.kwargs["pk"]
        target = selectors.target_get_for(request.user, kind=kind, pk=pk)
        period, _ = selectors.period_resolve(request.user, request.query_params.get("period"))
        if period is None:
            raise Http404("no assessment period")
        node = None
        if request.query_params.get("node"):
            node = selectors.indicator_get(request.query_params["node"])
        exact = request.query_params.get("exact") in ("1", "true")
        return selectors.entry_list_for(
            request.user, target=target, period=period, node=node, exact=exact
        )
