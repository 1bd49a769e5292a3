"""JSON API of supervision alerts (issue 4 §7–8): the same scope and services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fazhi.enforcement.models.supervision import Alert
from fazhi.enforcement.rules.enums import ALERT_STATE_LABELS
from fazhi.enforcement.rules.supervision import RULE_CODES, RULES, RULES_BY_CODE
from fazhi.enforcement.selectors import supervision as sel
from fazhi.enforcement.services import supervision as svc

FILTER_PARAMETERS = [
    OpenApiParameter("division", str, description="Division code; includes everything below"),
    OpenApiParameter("agency", int),
    OpenApiParameter("sector", int),
    OpenApiParameter("rule", str, enum=list(RULE_CODES)),
    OpenApiParameter("state", str, enum=[*map(str, ALERT_STATE_LABELS), "live"]),
    OpenApiParameter("date_from", str, description="Opened on or after (YYYY-MM-DD)"),
    OpenApiParameter("date_to", str, description="Opened on or before (YYYY-MM-DD)"),
]


class AlertOutputSerializer(serializers.ModelSerializer):
    # Plain strings: the values are AlertState / rule codes (documented on the list filters);
    # a choice field here would collide with the case "state" enum in the schema.
    state = serializers.CharField(read_only=True)
    rule_title = serializers.SerializerMethodField()
    points = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id", "rule", "rule_title", "subject_key", "agency", "division", "sector", "case",
            "state", "severity", "message", "basis", "indicator_code", "points", "opened_at",
            "closed_at", "resolution",
        ]
        read_only_fields = fields

    def get_rule_title(self, obj: Alert) -> str:
        rule = RULES_BY_CODE.get(obj.rule)
        return rule.title if rule else obj.rule

    def get_points(self, obj: Alert) -> str:
        rule = RULES_BY_CODE.get(obj.rule)
        return str(rule.points) if rule else "0"


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    evidence = serializers.FileField(required=False)


class AlertCursor(CursorPagination):
    """Newest first; no COUNT over all alerts."""

    ordering = ("-opened_at", "-id")
    page_size = 50


@extend_schema_view(get=extend_schema(operation_id="enforcement_alert_list",
                                      parameters=FILTER_PARAMETERS))
class AlertListApi(ListAPIView):
    """Alerts in the caller's data scope, newest first (cursor pagination)."""

    serializer_class = AlertOutputSerializer
    pagination_class = AlertCursor
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Alert]:
        return sel.alert_list_for(self.request.user,
                                  sel.AlertFilters.parse(self.request.query_params))


@extend_schema_view(get=extend_schema(operation_id="enforcement_alert_detail"))
class AlertDetailApi(RetrieveAPIView):
    """One alert in the caller's data scope; 404 outside it."""

    serializer_class = AlertOutputSerializer

    def get_object(self) -> Alert:
        return sel.alert_detail_for(self.request.user, self.kwargs["pk"])


class AlertStatsApi(APIView):
    """Counts per rule and alerts opened per month (last 12) for the filtered scope."""

    @extend_schema(operation_id="enforcement_alert_stats", parameters=FILTER_PARAMETERS,
                   responses={200: dict})
    def get(self, request: Request) -> Response:
        qs = sel.alert_list_for(request.user, sel.AlertFilters.parse(request.query_params))
        summary = sel.alert_summary(qs)
        return Response({
            "by_rule": [{"rule": r.code, "title": r.title, "count": summary.by_rule[r.code]}
                        for r in RULES],
            "by_month": [{"month": m, "count": n} for m, n in summary.by_month],
        })


class _AlertActionApi(APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    action_name = ""

    def act(self, request: Request, alert: Alert, data: dict[str, Any]) -> None:
        raise NotImplementedError

    @extend_schema(exclude=True)
    def get(self, request: Request, pk: int) -> Response:
        """Actions are POST only; an alert outside the caller's scope is a 404 first."""
        sel.alert_detail_for(request.user, pk)
        raise MethodNotAllowed("GET")

    @extend_schema(request=NoteSerializer, responses={200: AlertOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        alert = sel.alert_detail_for(request.user, pk)
        form = NoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            self.act(request, alert, form.validated_data)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from exc
        alert.refresh_from_db()
        return Response(AlertOutputSerializer(alert).data)


@extend_schema_view(post=extend_schema(operation_id="enforcement_alert_rectify"))
class AlertRectifyApi(_AlertActionApi):
    """Record a rectification (note and optional evidence file, SHA-256 hashed)."""

    def act(self, request: Request, alert: Alert, data: dict[str, Any]) -> None:
        svc.alert_rectify(actor=request.user, alert=alert, note=data.get("note", ""),
                          evidence=data.get("evidence"))


@extend_schema_view(post=extend_schema(operation_id="enforcement_alert_close"))
class AlertCloseApi(_AlertActionApi):
    """Close the alert (supervisors only)."""

    def act(self, request: Request, alert: Alert, data: dict[str, Any]) -> None:
        svc.alert_close(actor=request.user, alert=alert, note=data.get("note", ""))


@extend_schema_view(post=extend_schema(operation_id="enforcement_alert_unfounded"))
class AlertUnfoundedApi(_AlertActionApi):
    """Mark the alert unfounded (supervisors only); its ledger deduction is reversed."""

    def act(self, request: Request, alert: Alert, data: dict[str, Any]) -> None:
        svc.alert_mark_unfounded(actor=request.user, alert=alert, reason=data.get("note", ""))
