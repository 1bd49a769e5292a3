"""JSON API of after-the-fact disclosure (事后公开, issue 4 §6, §8; rulebook §2.1) for staff:
the disclosures of the caller's scope, one disclosure, and the back-office actions publish and
withdraw (《行政处罚法》第四十八条第二款).

What a disclosure holds is already the redacted public copy (services/disclosure.py), so staff see
the same text the portal shows. Object routes look the disclosure (or the case) up in the caller's
scope before anything else: 404 outside it for every method, then 403, then 400. Publishing and
withdrawing are the deciding agency's duty ("who enforces publishes", 谁执法谁公示): officers and
leaders of the disclosure's own agency.

The public portal's search stays an HTML page under /public/ (the API serves signed-in users only,
security.md ACC-1; PII-5 wants the public search behind rate limits and without bulk listing).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fazhi.enforcement.api.cases import _errors
from fazhi.enforcement.api.documents import CaseScopedApi
from fazhi.enforcement.models import Disclosure
from fazhi.enforcement.selectors import disclosure as selectors
from fazhi.enforcement.services import disclosure as services
from fazhi.enforcement.services.duty import DISCLOSURE_DUTY, require_agency_duty

# --- serializers ---------------------------------------------------------------------------------


class DisclosureSerializer(serializers.ModelSerializer):
    # Plain strings: "state" / "kind" enums would collide with the case and party enums.
    state = serializers.CharField(read_only=True, help_text="pending | published | withdrawn")
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    party_kind = serializers.CharField(read_only=True, help_text="citizen | organisation")
    case_number = serializers.CharField(source="case.number", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    division_code = serializers.CharField(source="division.code", read_only=True)
    sector_code = serializers.CharField(
        source="sector.code", read_only=True, allow_null=True, default=None
    )
    overdue = serializers.SerializerMethodField(
        help_text="Pending past its publication deadline (7 / 20 working days)"
    )
    public_url = serializers.SerializerMethodField(
        help_text="The portal page while published (its token, never a sequential id)"
    )

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "case",
            "case_number",
            "agency",
            "agency_name",
            "division_code",
            "sector",
            "sector_code",
            "act_type",
            "decision_number",
            "party_kind",
            "party_name",
            "violation",
            "decided_on",
            "due_on",
            "state",
            "state_label",
            "overdue",
            "published_at",
            "display_until",
            "withdraw_due_on",
            "withdrawn_at",
            "withdraw_reason",
            "public_url",
        ]
        read_only_fields = fields

    def get_overdue(self, disclosure: Disclosure) -> bool:
        return (
            disclosure.state == Disclosure.State.PENDING
            and disclosure.due_on < timezone.localdate()
        )

    def get_public_url(self, disclosure: Disclosure) -> str | None:
        if disclosure.state != Disclosure.State.PUBLISHED:
            return None
        return reverse("portal:disclosure-detail", args=[disclosure.public_token])


class DisclosureDetailSerializer(DisclosureSerializer):
    class Meta(DisclosureSerializer.Meta):
        fields = [*DisclosureSerializer.Meta.fields, "facts", "basis", "outcome"]
        read_only_fields = fields


class DisclosureFilterSerializer(serializers.Serializer):
    """The list's query parameters (bad values answer 400, field by field)."""

    division = serializers.CharField(
        required=False, max_length=12, help_text="Division code; includes everything below"
    )
    agency = serializers.IntegerField(required=False, help_text="Agency id")
    sector = serializers.CharField(required=False, max_length=32, help_text="Sector id or code")
    state = serializers.ChoiceField(required=False, choices=Disclosure.State.choices)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Pending past the deadline only"
    )
    date_from = serializers.DateField(required=False, help_text="Decided on or after")
    date_to = serializers.DateField(required=False, help_text="Decided on or before")
    q = serializers.CharField(
        required=False, max_length=100, help_text="Part of the violation (违法行为)"
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        label=gettext_lazy("reason for withdrawal"),
        help_text="Why the decision comes off the portal (《行政处罚法》第四十八条第二款)",
    )


# --- helpers -------------------------------------------------------------------------------------

#: The page's message (views/disclosure.py), one catalogue entry for both.
NO_REASON = gettext_noop(
    "Give the reason for the withdrawal (art. 48 of the Administrative Penalty Law)."
)


def _publish(user: Any, disclosure: Disclosure | None, case: Any) -> None:
    """Publish the case's disclosure. Publishing again is a no-op; a withdrawn decision is not
    put back (the page offers publishing for pending ones only)."""
    if disclosure is not None and disclosure.state == Disclosure.State.PUBLISHED:
        return
    if disclosure is not None and disclosure.state == Disclosure.State.WITHDRAWN:
        raise ValidationError({"detail": [_("A withdrawn decision is not published again.")]})
    try:
        services.disclosure_publish(actor=user, case=case)
    except DjangoValidationError as exc:
        raise _errors(exc) from exc


class DisclosureCursor(CursorPagination):
    """Newest decision first, keyset on (decided_on, id): no COUNT over the table."""

    ordering = ("-decided_on", "-id")
    page_size = 50
    page_size_query_param = "per_page"
    max_page_size = 200


# --- views ---------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="enforcement_disclosure_list",
        summary="执法决定公开列表（本辖区）",
        parameters=[DisclosureFilterSerializer],
    )
)
class DisclosureListApi(ListAPIView):
    """Disclosures of the caller's data scope, newest decision first (cursor pagination)."""

    serializer_class = DisclosureSerializer
    pagination_class = DisclosureCursor
    filter_backends: list[type] = []
    queryset = Disclosure.objects.none()

    def get_queryset(self) -> QuerySet[Disclosure]:
        form = DisclosureFilterSerializer(data=self.request.query_params)
        form.is_valid(raise_exception=True)
        return selectors.disclosure_search_for(self.request.user, form.validated_data)


class DisclosureScopedApi(APIView):
    """Finds `self.disclosure` in the caller's scope during `initial()`: 404 outside it for
    every method, before 405 / 403 / 400."""

    queryset = Disclosure.objects.none()
    disclosure: Disclosure

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.disclosure = selectors.disclosure_detail_for(request.user, kwargs["pk"])


class DisclosureDetailApi(DisclosureScopedApi):
    """One disclosure with its redacted facts, basis and decision."""

    @extend_schema(
        operation_id="enforcement_disclosure_detail",
        summary="执法决定公开详情",
        responses=DisclosureDetailSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(DisclosureDetailSerializer(self.disclosure).data)


class DisclosurePublishApi(DisclosureScopedApi):
    """Publish a pending disclosure on the portal (rulebook §2.1); publishing a published one
    again changes nothing."""

    @extend_schema(
        operation_id="enforcement_disclosure_publish",
        summary="公开执法决定",
        request=None,
        responses={
            200: DisclosureDetailSerializer,
            400: OpenApiResponse(description="Not decided yet, or withdrawn"),
            403: OpenApiResponse(description="Not an officer or leader of the deciding agency"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        require_agency_duty(request.user, self.disclosure.agency_id, DISCLOSURE_DUTY)
        _publish(request.user, self.disclosure, self.disclosure.case)
        return Response(
            DisclosureDetailSerializer(selectors.disclosure_detail_for(request.user, pk)).data
        )


class DisclosureWithdrawApi(DisclosureScopedApi):
    """Take a published decision off the portal, with the reason (《行政处罚法》第四十八条第二款);
    withdrawing a withdrawn one again changes nothing."""

    @extend_schema(
        operation_id="enforcement_disclosure_withdraw",
        summary="撤回已公开的执法决定",
        request=WithdrawSerializer,
        responses={
            200: DisclosureDetailSerializer,
            400: OpenApiResponse(description="No reason given, or not published"),
            403: OpenApiResponse(description="Not an officer or leader of the deciding agency"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        require_agency_duty(request.user, self.disclosure.agency_id, DISCLOSURE_DUTY)
        form = WithdrawSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        reason = form.validated_data["reason"].strip()
        if not reason:
            raise ValidationError({"reason": [_(NO_REASON)]})
        state = self.disclosure.state
        if state == Disclosure.State.PENDING:
            raise ValidationError({"detail": [_("Only a published decision can be withdrawn.")]})
        if state == Disclosure.State.PUBLISHED:
            services.disclosure_withdraw(
                actor=request.user, disclosure=self.disclosure, reason=reason
            )
        return Response(
            DisclosureDetailSerializer(selectors.disclosure_detail_for(request.user, pk)).data
        )


class CaseDisclosureApi(CaseScopedApi):
    """GET: the case's disclosure (404 while the case has none). POST: publish it, preparing the
    redacted copy when the decided case has none yet (the page's publish action)."""

    def _disclosure(self) -> Disclosure | None:
        return (
            Disclosure.objects.select_related("agency", "sector", "division", "case")
            .filter(case=self.case)
            .first()
        )

    @extend_schema(
        operation_id="enforcement_case_disclosure",
        summary="案件的公开记录",
        responses={200: DisclosureDetailSerializer, 404: OpenApiResponse(description="None yet")},
    )
    def get(self, request: Request, pk: int) -> Response:
        disclosure = self._disclosure()
        if disclosure is None:
            raise Http404(_("This case has no disclosure yet."))
        return Response(DisclosureDetailSerializer(disclosure).data)

    @extend_schema(
        operation_id="enforcement_case_disclosure_publish",
        summary="公开案件的处罚决定",
        request=None,
        responses={
            200: DisclosureDetailSerializer,
            201: DisclosureDetailSerializer,
            400: OpenApiResponse(description="Not decided yet, or withdrawn"),
            403: OpenApiResponse(description="Not an officer or leader of the deciding agency"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        require_agency_duty(request.user, self.case.agency_id, DISCLOSURE_DUTY)
        existing = self._disclosure()
        _publish(request.user, existing, self.case)
        code = status.HTTP_201_CREATED if existing is None else status.HTTP_200_OK
        return Response(DisclosureDetailSerializer(self._disclosure()).data, status=code)
