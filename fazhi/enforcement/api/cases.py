"""JSON API of enforcement cases under /api/v1/enforcement/cases/ (issue 4 §8): the field
terminal's way in. Same scope as the pages (selectors/cases.py); every write goes through
services/cases.py, whose Chinese messages name the article a blocked step breaks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fazhi.accounts.models import User
from fazhi.core.scope import scoped
from fazhi.enforcement.api.case_serializers import (
    AvailableTransitionSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CasePageSerializer,
    CoercionMeasureSerializer,
    ExtensionInputSerializer,
    ExtensionSerializer,
    LegalReviewSerializer,
    MeasureExtensionInputSerializer,
    ReviewRecordSerializer,
    ReviewRequestSerializer,
    RevokeInputSerializer,
    TransitionInputSerializer,
)
from fazhi.enforcement.models import AuthorityItem, Case, CoercionMeasure, LegalReview, Officer
from fazhi.enforcement.rules.enums import ACT_TYPE_LABELS, CASE_STATE_LABELS, PROCEDURE_LABELS
from fazhi.enforcement.selectors.cases import case_detail_for, case_list_for, case_page
from fazhi.enforcement.services import cases as services
from fazhi.enforcement.services.duty import (
    may_act_for_agency,
    may_extend_measure,
    may_revoke_decision,
)
from fazhi.orgs.models import Agency

#: Roles that may open and move cases (officers and their leaders); reviewers record opinions.
ACTING_ROLES = ("officer", "agency_leader")

LIST_PARAMETERS = [
    OpenApiParameter("division", str, description="Division code or id; includes those below"),
    OpenApiParameter("agency", int),
    OpenApiParameter("sector", str, description="Sector id or code"),
    OpenApiParameter("state", str, enum=[str(s) for s in CASE_STATE_LABELS]),
    OpenApiParameter("procedure", str, enum=[str(p) for p in PROCEDURE_LABELS]),
    OpenApiParameter("act_type", str, enum=[str(a) for a in ACT_TYPE_LABELS]),
    OpenApiParameter("date_from", str, description="YYYY-MM-DD (creation day)"),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD (creation day)"),
    OpenApiParameter("q", str, description="The exact case number, or part of the title"),
    OpenApiParameter("page", int),
    OpenApiParameter("per_page", int, description="At most 200"),
]
FILTER_KEYS = (
    "division",
    "agency",
    "sector",
    "state",
    "procedure",
    "act_type",
    "date_from",
    "date_to",
    "q",
)


def _require_acting(user: Any) -> None:
    if not user.has_role(*ACTING_ROLES):
        raise PermissionDenied()


def _require_case_duty(user: Any, case: Case) -> None:
    """Only officers and leaders of the case's own agency move it, as on the case page
    (views.cases._may_act; DESIGN §2: scope is what one sees, duty what one does): a leader or
    supervisor whose scope covers the case watches it."""
    if not may_act_for_agency(user, case.agency_id):
        raise PermissionDenied(_("Only staff of the case's agency move the case."))


def _errors(exc: DjangoValidationError) -> DrfValidationError:
    """A services ValidationError as a DRF 400: field errors by field, others under "detail"."""
    if hasattr(exc, "error_dict"):
        return DrfValidationError({k: list(v) for k, v in exc.message_dict.items()})
    return DrfValidationError({"detail": [str(m) for m in exc.messages]})


def _detail(case: Case) -> Case:
    return (
        Case.objects.select_related(
            "agency",
            "division",
            "party",
            "benchmark_applied",
            "measure__approved_by",
            "measure__extension_approved_by",
        )
        .prefetch_related(
            "officers__officer",
            "steps__officers",
            "steps__actor",
            "legal_reviews__reviewer",
            "extensions",
        )
        .get(pk=case.pk)
    )


def _officers(user: Any, ids: list[int] | None, agency_id: int) -> list[Officer] | None:
    if ids is None:
        return None
    # Officers of the acting agency (which the caller may act for): the self scope of an
    # officer would not show colleagues, yet two officers act together (art. 42).
    found = list(Officer.objects.filter(pk__in=ids, agency_id=agency_id))
    if len(found) != len(set(ids)):
        raise DrfValidationError(
            {
                "officers": [
                    _("Some chosen officers do not exist or are not officers of this agency.")
                ]
            }
        )
    return found


class CaseListApi(APIView):
    """Cases in the caller's data scope, newest first, paged without counting."""

    @extend_schema(
        operation_id="enforcement_case_list",
        parameters=LIST_PARAMETERS,
        responses=CasePageSerializer,
    )
    def get(self, request: Request) -> Response:
        filters = {k: request.query_params.get(k, "") for k in FILTER_KEYS}
        try:
            per_page = int(request.query_params.get("per_page") or 50)
        except ValueError:
            per_page = 50
        page = case_page(
            case_list_for(request.user, filters), request.query_params.get("page"), per_page
        )
        return Response(
            CasePageSerializer(
                {
                    "page": page.page,
                    "per_page": page.per_page,
                    "has_next": page.has_next,
                    "results": page.items,
                }
            ).data
        )

    @extend_schema(
        operation_id="enforcement_case_create",
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        user = request.user
        _require_acting(user)
        form = CaseCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        v = form.validated_data
        agency_id = v.get("agency") or getattr(user, "agency_id", None)
        # An officer acts for the own agency; others only for agencies in their scope.
        if agency_id and agency_id == getattr(user, "agency_id", None):
            agency = Agency.objects.filter(pk=agency_id).first()
        else:
            agency = (
                scoped(Agency.objects.filter(pk=agency_id), user).first() if agency_id else None
            )
        if agency is None:
            raise DrfValidationError({"agency": [_("Choose an agency you may act for.")]})
        item = None
        if v.get("authority_item"):
            item = AuthorityItem.objects.filter(pk=v["authority_item"], agency=agency).first()
            if item is None:
                raise DrfValidationError(
                    {
                        "authority_item": [
                            _(
                                "The authority item is not on the acting agency's authority list "
                                "(《行政处罚法》第十七条至第二十条)."
                            )
                        ]
                    }
                )
        officers = _officers(user, v.get("officers") or [], agency.pk) or []
        try:
            party = None
            if v.get("party"):
                party = services.party_get_or_create(actor=user, **v["party"])
            case = services.case_open(
                actor=user,
                agency=agency,
                act_type=v["act_type"],
                procedure=v["procedure"],
                title=v["title"],
                party=party,
                authority_item=item,
                officers=officers,
                facts=v["facts"],
                place=v["place"],
                source=v["source"],
                act_started_on=v.get("act_started_on"),
                act_ended_on=v.get("act_ended_on"),
                discovered_on=v.get("discovered_on"),
            )
        except DjangoValidationError as exc:
            raise _errors(exc) from exc
        return Response(CaseDetailSerializer(_detail(case)).data, status=status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    """One case with its officers, steps, legal reviews and extensions; 404 outside scope."""

    @extend_schema(operation_id="enforcement_case_detail", responses=CaseDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        case = case_detail_for(request.user, pk)
        return Response(CaseDetailSerializer(_detail(case)).data)


class CaseTransitionApi(APIView):
    """GET: the steps the table offers now, each with what blocks it. POST: take one step."""

    @extend_schema(
        operation_id="enforcement_case_transitions",
        responses=AvailableTransitionSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        case = case_detail_for(request.user, pk)
        available = services.case_transitions_available(case, user=request.user)
        return Response(AvailableTransitionSerializer(available, many=True).data)

    @extend_schema(
        operation_id="enforcement_case_transition",
        request=TransitionInputSerializer,
        responses={
            200: CaseDetailSerializer,
            400: OpenApiResponse(description="Blocked, with the articles"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_detail_for(request.user, pk)  # 404 outside scope, before any 403
        _require_case_duty(request.user, case)
        form = TransitionInputSerializer(data=request.data, context={"case": case})
        form.is_valid(raise_exception=True)
        v = form.validated_data
        try:
            services.case_transition(
                actor=request.user,
                case=case,
                to=v["to"],
                place=v["place"],
                note=v["note"],
                officers=_officers(request.user, v["officers"], case.agency_id),
                documents=v["documents"],
                av_recorded=v["av_recorded"],
                data=v["data"],
            )
        except DjangoValidationError as exc:
            raise _errors(exc) from exc
        return Response(CaseDetailSerializer(_detail(case)).data)


class LegalReviewRequestApi(APIView):
    """GET: the case's legal reviews. POST: ask a legal reviewer to review the case (art. 58)."""

    @extend_schema(
        operation_id="enforcement_case_review_list", responses=LegalReviewSerializer(many=True)
    )
    def get(self, request: Request, pk: int) -> Response:
        case = case_detail_for(request.user, pk)
        reviews = LegalReview.objects.filter(case=case).select_related("reviewer")
        return Response(LegalReviewSerializer(reviews, many=True).data)

    @extend_schema(
        operation_id="enforcement_case_review_request",
        request=ReviewRequestSerializer,
        responses={201: LegalReviewSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_detail_for(request.user, pk)  # 404 outside scope, before any 403
        _require_case_duty(request.user, case)
        form = ReviewRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        reviewer = User.objects.filter(pk=form.validated_data["reviewer"], is_active=True).first()
        if reviewer is None or not reviewer.has_role("legal_reviewer"):
            raise DrfValidationError({"reviewer": [_("Choose the legal reviewer.")]})
        try:
            review = services.legal_review_request(actor=request.user, case=case, reviewer=reviewer)
        except DjangoValidationError as exc:
            raise _errors(exc) from exc
        return Response(LegalReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class LegalReviewRecordApi(APIView):
    """GET: one legal review. POST: the designated reviewer records the written opinion."""

    @extend_schema(operation_id="enforcement_case_review_detail", responses=LegalReviewSerializer)
    def get(self, request: Request, pk: int, review_pk: int) -> Response:
        case = case_detail_for(request.user, pk)
        review = get_object_or_404(
            LegalReview.objects.select_related("reviewer"), pk=review_pk, case=case
        )
        return Response(LegalReviewSerializer(review).data)

    @extend_schema(
        operation_id="enforcement_case_review_record",
        request=ReviewRecordSerializer,
        responses=LegalReviewSerializer,
    )
    def post(self, request: Request, pk: int, review_pk: int) -> Response:
        case = case_detail_for(request.user, pk)
        review = get_object_or_404(LegalReview, pk=review_pk, case=case)
        form = ReviewRecordSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            review = services.legal_review_record(
                actor=request.user,
                review=review,
                result=form.validated_data["result"],
                opinion=form.validated_data["opinion"],
            )
        except DjangoValidationError as exc:
            raise _errors(exc) from exc
        return Response(LegalReviewSerializer(review).data)


class CaseExtensionApi(APIView):
    """GET: the recorded extensions. POST: record an approved extension of the decision deadline
    (art. 60); agency leaders only."""

    @extend_schema(
        operation_id="enforcement_case_extension_list", responses=ExtensionSerializer(many=True)
    )
    def get(self, request: Request, pk: int) -> Response:
        case = case_detail_for(request.user, pk)
        return Response(ExtensionSerializer(case.extensions.all(), many=True).data)

    @extend_schema(
        operation_id="enforcement_case_extend",
        request=ExtensionInputSerializer,
        responses={201: ExtensionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_detail_for(request.user, pk)  # 404 outside scope, before any 403
        if not may_revoke_decision(request.user, case):  # the case's own agency's leader
            raise PermissionDenied()
        form = ExtensionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            extension = services.case_deadline_extend(
                actor=request.user, case=case, **form.validated_data
            )
        except DjangoValidationError as exc:
            raise _errors(exc) from exc
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)


class CaseRevokeApi(APIView):
    """GET: the case as it stands. POST: record that the decision was revoked or changed
    (art. 48); the leader of the case's own agency only."""

    @extend_schema(operation_id="enforcement_case_revoke_state", responses=CaseDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(CaseDetailSerializer(_detail(case_detail_for(request.user, pk))).data)

    @extend_schema(
        operation_id="enforcement_case_revoke",
        request=RevokeInputSerializer,
        responses=CaseDetailSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_detail_for(request.user, pk)  # 404 outside scope, before any 403
        if not may_revoke_decision(request.user, case):  # the case's own agency's leader
            raise PermissionDenied()
        form = RevokeInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            services.case_revoke_decision(
                actor=request.user, case=case, reason=form.validated_data["reason"]
            )
        except DjangoValidationError as exc:
            raise _errors(exc) from exc
        return Response(CaseDetailSerializer(_detail(case)).data)


class CoercionMeasureExtensionApi(APIView):
    """GET: the case's coercive measure (404 when it has none). POST: extend a sealing, seizure
    or freeze once, by at most 30 days, before it ends, with the reason
    (《行政强制法》第二十五条、第三十二条; services.cases.coercion_measure_extend); the head of the
    acting organ approves it, so only a leader of the case's own agency (403 for others)."""

    @extend_schema(operation_id="enforcement_case_measure", responses=CoercionMeasureSerializer)
    def get(self, request: Request, pk: int) -> Response:
        case = case_detail_for(request.user, pk)
        measure = get_object_or_404(
            CoercionMeasure.objects.select_related("approved_by", "extension_approved_by"),
            case=case,
        )
        return Response(CoercionMeasureSerializer(measure).data)

    @extend_schema(
        operation_id="enforcement_case_measure_extend",
        request=MeasureExtensionInputSerializer,
        responses={
            200: CoercionMeasureSerializer,
            400: OpenApiResponse(description="Refused, with the article"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_detail_for(request.user, pk)  # 404 outside scope, before any 403
        if not may_extend_measure(request.user, case):
            raise PermissionDenied(_("Only the agency's leader approves an extension."))
        form = MeasureExtensionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            measure = services.coercion_measure_extend(
                actor=request.user, case=case, **form.validated_data
            )
        except DjangoValidationError as exc:
            raise _errors(exc) from exc
        measure = CoercionMeasure.objects.select_related(
            "approved_by", "extension_approved_by"
        ).get(pk=measure.pk)
        return Response(CoercionMeasureSerializer(measure).data)
