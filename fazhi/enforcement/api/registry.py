"""JSON API of the registry (issue 4 §1, §8): enforcement subjects, officers, certificates and
their steps, the Excel import. Same selectors, services and roles as the pages, so the same scope.

Object routes look the object up in the caller's scope before anything else (404 outside it, for
every method), then check the role (403) and the input (400, Chinese messages).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fazhi.core.redaction import redact
from fazhi.core.scope import scoped
from fazhi.enforcement import excel
from fazhi.enforcement.forms.registry import CERTIFICATE_ACTIONS, MAX_UPLOAD_BYTES
from fazhi.enforcement.models import Certificate, Officer, TrainingRecord
from fazhi.enforcement.models.registry import EnforcementSubject
from fazhi.enforcement.rules.certificates import (
    EVENT_LABELS,
    TRAINING_HOURS_TARGET,
    CertificateState,
    CertificateTransitionError,
    can_transition,
    training_shortfall,
)
from fazhi.enforcement.selectors import registry as selectors
from fazhi.enforcement.services import registry as services
from fazhi.enforcement.views.registry import certificate_step
from fazhi.orgs.models import AgencyKind, Sector

# --- serializers ---------------------------------------------------------------------------------


class SubjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="agency.name")
    credit_code = serializers.CharField(source="agency.credit_code")
    kind = serializers.CharField(source="agency.kind")
    kind_label = serializers.CharField(source="agency.get_kind_display")
    sector = serializers.CharField(source="agency.sector.code", allow_null=True, default=None)
    division_code = serializers.CharField(source="agency.government.division.code")
    government = serializers.CharField(source="agency.government.name")
    entrusted_by = serializers.IntegerField(source="agency.entrusted_by_id", allow_null=True)
    entrustment_document = serializers.CharField()
    qualification_basis = serializers.CharField()
    basis_provisions = serializers.ListField(child=serializers.CharField())
    domain = serializers.CharField()
    area = serializers.CharField()
    is_published = serializers.BooleanField()
    published_on = serializers.DateField(allow_null=True)


class CertificateEventSerializer(serializers.Serializer):
    event = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField()
    basis = serializers.CharField()


class CertificateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    officer = serializers.IntegerField(source="officer_id")
    number = serializers.CharField(allow_null=True)
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    sector = serializers.CharField(source="sector.code")
    area = serializers.CharField()
    issuing_body = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    review_cycle_months = serializers.IntegerField()
    events = CertificateEventSerializer(many=True, source="events.all")


class OfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField(source="agency.name")
    is_auxiliary = serializers.BooleanField()


class OfficerDetailSerializer(OfficerSerializer):
    resident_id_masked = serializers.SerializerMethodField(
        help_text="Masked resident ID; null unless the caller's role needs it."
    )
    can_act_today = serializers.BooleanField()
    certificates = CertificateSerializer(many=True, source="certificates_list")

    def get_resident_id_masked(self, officer: Officer) -> str | None:
        if services.may_see_resident_ids(self.context["request"].user):
            return redact(officer.resident_id)
        return None


class CertificateApplySerializer(serializers.Serializer):
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    area = serializers.CharField(max_length=128, required=False, default="", allow_blank=True)
    issuing_body = serializers.CharField(
        max_length=128, required=False, default="", allow_blank=True
    )
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class CertificateStepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(CERTIFICATE_ACTIONS))
    reason = serializers.CharField(required=False, default="", allow_blank=True)
    number = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["action"] == "issue" and (not data.get("number") or not data.get("issued_on")):
            raise ValidationError({"number": "制发执法证须填写证号和发证日期。"})
        return data


class TrainingRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    course = serializers.CharField()
    created_at = serializers.DateTimeField()


class TrainingYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=7, decimal_places=1)
    target = serializers.IntegerField(help_text="Yearly target in hours (60)")
    shortfall = serializers.DecimalField(
        max_digits=7, decimal_places=1, help_text="Hours still missing; 0 when met"
    )
    met = serializers.BooleanField()
    records = TrainingRecordSerializer(many=True)


class OfficerTrainingSerializer(serializers.Serializer):
    officer = serializers.IntegerField()
    target = serializers.IntegerField()
    this_year = serializers.IntegerField()
    may_record = serializers.BooleanField(
        help_text="Whether the caller may record hours for this officer"
    )
    years = TrainingYearSerializer(many=True, help_text="Newest first; this year always listed")


class TrainingInputSerializer(serializers.Serializer):
    """Shape only; services.registry.training_record checks the year, the hours and the course
    with the officer page's Chinese messages."""

    year = serializers.IntegerField(
        error_messages={
            "required": _("Give the year of the training."),
            "null": _("Give the year of the training."),
        },
    )
    hours = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        error_messages={
            "required": _("Give the training hours."),
            "null": _("Give the training hours."),
        },
    )
    course = serializers.CharField(
        max_length=200,
        allow_blank=True,
        error_messages={
            "required": _("Name the course or training."),
            "null": _("Name the course or training."),
        },
    )


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportIssueSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()
    text = serializers.CharField(source="__str__")


class ImportResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    issue_count = serializers.IntegerField()
    issues = ImportIssueSerializer(many=True)
    agencies_created = serializers.IntegerField()
    subjects_created = serializers.IntegerField()
    officers_created = serializers.IntegerField()
    certificates_created = serializers.IntegerField()


# --- helpers -------------------------------------------------------------------------------------


def _bad_request(exc: Exception) -> ValidationError:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return ValidationError({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        return ValidationError({"detail": [str(m) for m in exc.messages]})
    return ValidationError({"detail": [str(exc)]})


class ScopedObjectApi(APIView):
    """Finds `self.object` in the caller's scope during `initial()`, before DRF picks the method
    handler, so an out-of-scope id answers 404 for every method (then 405 / 403 / 400)."""

    model: type[Model]

    def find(self, pk: int) -> Any:
        raise NotImplementedError

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        try:
            self.object = self.find(kwargs["pk"])
        except self.model.DoesNotExist as exc:
            raise Http404 from exc


SUBJECT_PARAMETERS = [
    OpenApiParameter("division", str, description="Division code; includes everything below"),
    OpenApiParameter("sector", str, description="Sector code, e.g. market"),
    OpenApiParameter("kind", str, enum=AgencyKind.values),
    OpenApiParameter("published", str, enum=["1", "0"]),
    OpenApiParameter("q", str, description="Part of the name, or the exact credit code"),
]
OFFICER_PARAMETERS = [
    OpenApiParameter("agency", int, description="Agency id"),
    OpenApiParameter("name", str, description="Part of the name"),
    OpenApiParameter("state", str, enum=[s.value for s in CertificateState],
                     description="Holds a certificate in this state"),
    OpenApiParameter("auxiliary", str, enum=["1", "0"]),
]


# --- views ---------------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(operation_id="enforcement_subject_list",
                                      parameters=SUBJECT_PARAMETERS))
class SubjectListApi(ListAPIView):
    """Enforcement subjects in the caller's data scope, 50 per page (limit/offset)."""

    serializer_class = SubjectSerializer
    filter_backends: list[type] = []
    queryset = EnforcementSubject.objects.none()

    def get_queryset(self) -> QuerySet[EnforcementSubject]:
        params = self.request.query_params
        filters = {k: params.get(k, "") for k in selectors.SUBJECT_FILTER_KEYS}
        return selectors.subject_list_for(self.request.user, filters)


@extend_schema_view(get=extend_schema(operation_id="enforcement_subject_detail"))
class SubjectDetailApi(RetrieveAPIView):
    """One enforcement subject in the caller's data scope; 404 outside it."""

    serializer_class = SubjectSerializer
    queryset = EnforcementSubject.objects.none()

    def get_object(self) -> EnforcementSubject:
        try:
            return selectors.subject_get_for(self.request.user, self.kwargs["pk"])
        except EnforcementSubject.DoesNotExist as exc:
            raise Http404 from exc


@extend_schema_view(get=extend_schema(operation_id="enforcement_officer_list",
                                      parameters=OFFICER_PARAMETERS))
class OfficerListApi(ListAPIView):
    """Officers in the caller's data scope (no resident IDs), 50 per page (limit/offset)."""

    serializer_class = OfficerSerializer
    filter_backends: list[type] = []
    queryset = Officer.objects.none()

    def get_queryset(self) -> QuerySet[Officer]:
        params = self.request.query_params
        filters = {k: params.get(k, "") for k in selectors.OFFICER_FILTER_KEYS}
        if filters["agency"] and not str(filters["agency"]).isdigit():
            raise ValidationError({"agency": "机关编号应为整数。"})
        return selectors.officer_list_for(self.request.user, filters)


class OfficerDetailApi(ScopedObjectApi):
    """One officer with certificates and their history; the resident ID masked, and only for
    roles that need it."""

    model = Officer
    queryset = Officer.objects.none()

    def find(self, pk: int) -> Officer:
        return selectors.officer_get_for(self.request.user, pk)

    @extend_schema(operation_id="enforcement_officer_detail",
                   responses=OfficerDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        officer = self.object
        officer.certificates_list = selectors.officer_certificates(officer)
        officer.can_act_today = selectors.officer_can_act(officer, timezone.localdate())
        data = OfficerDetailSerializer(officer, context={"request": request}).data
        return Response(data)


class OfficerCertificatesApi(ScopedObjectApi):
    """GET: the officer's certificates with their events. POST: apply for a certificate."""

    model = Officer
    queryset = Officer.objects.none()

    def find(self, pk: int) -> Officer:
        return selectors.officer_get_for(self.request.user, pk)

    @extend_schema(operation_id="enforcement_officer_certificates",
                   responses=CertificateSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        certificates = selectors.officer_certificates(self.object)
        return Response(CertificateSerializer(certificates, many=True).data)

    @extend_schema(operation_id="enforcement_certificate_apply",
                   request=CertificateApplySerializer,
                   responses={201: CertificateSerializer})
    def post(self, request: Request, pk: int) -> Response:
        if not services.may_certificate_action(request.user, "apply"):
            raise PermissionDenied("您的角色不能办理此事项。")
        data = CertificateApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            certificate = services.certificate_apply(actor=request.user, officer=self.object,
                                                     **data.validated_data)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from exc
        return Response(CertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)


class OfficerTrainingApi(ScopedObjectApi):
    """GET: the officer's training records per year against the 60-hour yearly target
    (national outline 2021–2025 [P]; rulebook §8), newest year first. POST: record hours; the
    leader of the officer's own agency or a supervisor (services.registry.may_record_training,
    as on the officer page), 403 for others; 400 with the page's Chinese messages."""

    model = Officer
    queryset = Officer.objects.none()

    def find(self, pk: int) -> Officer:
        return selectors.officer_get_for(self.request.user, pk)

    def _body(self, request: Request) -> dict[str, Any]:
        officer = self.object
        this_year = timezone.localdate().year
        records = list(
            scoped(TrainingRecord.objects.filter(officer=officer), request.user).order_by(
                "-year", "id"
            )
        )
        by_year: dict[int, list[TrainingRecord]] = {this_year: []}
        for record in records:
            by_year.setdefault(record.year, []).append(record)
        years = []
        for year in sorted(by_year, reverse=True):
            hours = sum((r.hours for r in by_year[year]), Decimal(0))
            shortfall = training_shortfall(hours)
            years.append(
                {
                    "year": year,
                    "hours": hours,
                    "target": TRAINING_HOURS_TARGET,
                    "shortfall": shortfall,
                    "met": shortfall == 0,
                    "records": by_year[year],
                }
            )
        return {
            "officer": officer.pk,
            "target": TRAINING_HOURS_TARGET,
            "this_year": this_year,
            "may_record": services.may_record_training(request.user, officer),
            "years": years,
        }

    @extend_schema(operation_id="enforcement_officer_training", responses=OfficerTrainingSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(OfficerTrainingSerializer(self._body(request)).data)

    @extend_schema(
        operation_id="enforcement_officer_training_record",
        request=TrainingInputSerializer,
        responses={201: OfficerTrainingSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        if not services.may_record_training(request.user, self.object):
            raise PermissionDenied(
                _("Only the leader of the officer's agency or a supervisor records training.")
            )
        data = TrainingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.training_record(actor=request.user, officer=self.object, **data.validated_data)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from exc
        return Response(
            OfficerTrainingSerializer(self._body(request)).data, status=status.HTTP_201_CREATED
        )


class AvailableStepSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()


class CertificateStepApi(ScopedObjectApi):
    """GET: the steps the caller may take now. POST: take one (the transition table, the
    services and the caller's role decide)."""

    model = Certificate
    queryset = Certificate.objects.none()

    def find(self, pk: int) -> Certificate:
        return selectors.certificate_get_for(self.request.user, pk)

    @extend_schema(operation_id="enforcement_certificate_steps",
                   responses=AvailableStepSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        steps = [
            {"action": e.value, "label": str(label)}
            for e, label in EVENT_LABELS.items()
            if e.value in CERTIFICATE_ACTIONS and can_transition(self.object.state, e.value)
            and services.may_certificate_action(request.user, e.value)
        ]
        return Response(AvailableStepSerializer(steps, many=True).data)

    @extend_schema(operation_id="enforcement_certificate_step",
                   request=CertificateStepSerializer, responses=CertificateSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = CertificateStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not services.may_certificate_action(request.user, data.validated_data["action"]):
            raise PermissionDenied("您的角色不能办理此事项。")
        try:
            certificate = certificate_step(actor=request.user, certificate=self.object,
                                           data=data.validated_data)
        except (DjangoValidationError, CertificateTransitionError) as exc:
            raise _bad_request(exc) from exc
        certificate = selectors.officer_certificates(certificate.officer)
        current = next(c for c in certificate if c.pk == pk)
        return Response(CertificateSerializer(current).data)


class RegistryImportApi(APIView):
    """POST a workbook (multipart, field `file`): 200 with counts when every row is valid and
    written; 400 with the row-level issues and nothing written otherwise."""

    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="enforcement_registry_import", request=ImportUploadSerializer,
                   responses={200: ImportResultSerializer, 400: ImportResultSerializer})
    def post(self, request: Request) -> Response:
        if not services.may_import_officers(request.user):
            raise PermissionDenied("您的角色不能导入名册。")
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise ValidationError({"file": "工作簿超过30 MB。"})
        result = excel.registry_import(actor=request.user, file=file)
        body = ImportResultSerializer(result).data
        return Response(body, status=200 if result.ok else 400)
