"""JSON API of authority lists, discretion benchmarks and first-violation lists (issue 4 §3, §8):
the same scoped selectors and services as the pages; errors in Chinese citing the rule."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fazhi.enforcement.api.serializers_authority import (
    AuthorityItemDetailSerializer,
    AuthorityItemInputSerializer,
    AuthorityItemOutputSerializer,
    BenchmarkInputSerializer,
    BenchmarkOutputSerializer,
    DraftInputSerializer,
    FirstViolationListInputSerializer,
    FirstViolationListOutputSerializer,
)
from fazhi.enforcement.models import (
    AuthorityBasis,
    AuthorityItem,
    DiscretionBenchmark,
    FirstViolationList,
)
from fazhi.enforcement.rules.enums import ACT_TYPE_LABELS, choices
from fazhi.enforcement.selectors import authority as selectors
from fazhi.enforcement.services import authority as services

ITEM_FILTERS = [
    OpenApiParameter("agency", int),
    OpenApiParameter("act_type", str, enum=[c for c, _ in choices(ACT_TYPE_LABELS)]),
    OpenApiParameter("sector", str, description="Sector code, e.g. market"),
    OpenApiParameter("q", str, description="Part of the name, the code or a provision key"),
    OpenApiParameter("published", str, enum=["0", "1"]),
]


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    if isinstance(exc, services.BenchmarkError):
        return ValidationError({
            "tiers": [
                {"code": f.code, "tier": f.level, "message": f.message, "basis": f.basis}
                for f in exc.findings
            ]
        })
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"detail": exc.messages})


def _item(request: Request, pk: int) -> AuthorityItem:
    try:
        return selectors.authority_item_get_for(request.user, pk)
    except AuthorityItem.DoesNotExist as exc:
        raise Http404 from exc


def _benchmark(request: Request, pk: int) -> DiscretionBenchmark:
    try:
        return selectors.benchmark_get_for(request.user, pk)
    except DiscretionBenchmark.DoesNotExist as exc:
        raise Http404 from exc


def _fvl(request: Request, pk: int) -> FirstViolationList:
    try:
        return selectors.first_violation_list_get_for(request.user, pk)
    except FirstViolationList.DoesNotExist as exc:
        raise Http404 from exc


class _PublishApi(APIView):
    """A POST-only action on one record: other methods look the record up first, so an id
    outside the caller's scope answers 404 whatever the method."""

    def lookup(self, request: Request, pk: int) -> Any:
        raise NotImplementedError

    def http_method_not_allowed(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.lookup(request, kwargs["pk"])
        return super().http_method_not_allowed(request, *args, **kwargs)


@extend_schema_view(
    get=extend_schema(operation_id="enforcement_authority_item_list", parameters=ITEM_FILTERS),
    post=extend_schema(
        operation_id="enforcement_authority_item_create",
        request=AuthorityItemInputSerializer,
        responses={201: AuthorityItemDetailSerializer},
    ),
)
class AuthorityItemListApi(ListAPIView):
    """Authority items in the caller's scope (50 per page); POST adds one (managers only)."""

    serializer_class = AuthorityItemOutputSerializer
    queryset = AuthorityItem.objects.none()
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[AuthorityItem]:
        filters = {k: self.request.query_params.get(k, "") for k in selectors.FILTER_KEYS}
        return selectors.authority_item_list_for(self.request.user, filters)

    def post(self, request: Request) -> Response:
        data = AuthorityItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        for required in ("agency", "act_type", "name"):
            if not values.get(required):
                raise ValidationError({required: "该字段是必填项。"})
        agency = values.pop("agency")
        services.require_manager(request.user, agency)
        bases = [services.BasisSpec(p) for p in values.pop("basis_keys", [])]
        try:
            item = services.authority_item_create(
                actor=request.user, agency=agency, bases=bases, **values
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        item = selectors.authority_item_get_for(request.user, item.pk)
        return Response(AuthorityItemDetailSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(operation_id="enforcement_authority_item_detail"),
    patch=extend_schema(
        operation_id="enforcement_authority_item_update",
        request=AuthorityItemInputSerializer,
        responses=AuthorityItemDetailSerializer,
    ),
)
class AuthorityItemDetailApi(APIView):
    """One item with its legal basis (provision keys; inferred duties `needs_confirmation`) and
    its benchmark versions; 404 outside the caller's scope."""

    serializer_class = AuthorityItemDetailSerializer
    queryset = AuthorityItem.objects.none()

    def get(self, request: Request, pk: int) -> Response:
        return Response(AuthorityItemDetailSerializer(_item(request, pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        item = _item(request, pk)
        services.require_manager(request.user, item.agency)
        data = AuthorityItemInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("agency", None)
        bases = None
        if "basis_keys" in values:
            kept = [
                services.BasisSpec(b.provision, b.role, b.needs_confirmation)
                for b in item.bases.all()
                if b.role != AuthorityBasis.Role.BASIS
            ]
            bases = kept + [services.BasisSpec(p) for p in values.pop("basis_keys")]
        try:
            services.authority_item_update(actor=request.user, item=item, bases=bases, **values)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return Response(AuthorityItemDetailSerializer(_item(request, pk)).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="enforcement_authority_item_publish",
        request=None,
        responses=AuthorityItemDetailSerializer,
    )
)
class AuthorityItemPublishApi(_PublishApi):
    """Publish an item (sets is_published and published_at)."""

    queryset = AuthorityItem.objects.none()
    lookup = staticmethod(_item)  # type: ignore[assignment]

    def post(self, request: Request, pk: int) -> Response:
        item = _item(request, pk)
        services.require_manager(request.user, item.agency)
        services.authority_item_publish(actor=request.user, item=item)
        return Response(AuthorityItemDetailSerializer(_item(request, pk)).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="enforcement_authority_item_draft",
        request=DraftInputSerializer,
        responses={201: AuthorityItemDetailSerializer},
    )
)
class AuthorityItemDraftApi(APIView):
    """One step: an item and a draft benchmark from a penalty provision (by id or key), from the
    legal library's drafts."""

    def post(self, request: Request) -> Response:
        data = DraftInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.require_manager(request.user, values["agency"])
        try:
            item = services.authority_item_draft_from_provision(
                actor=request.user,
                agency=values["agency"],
                provision=values["provision"],
                code=values.get("code", ""),
                responsible_post=values.get("responsible_post", ""),
                benchmark_from=values.get("benchmark_from"),
                region=values["agency"].government.division,
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        item = selectors.authority_item_get_for(request.user, item.pk)
        return Response(AuthorityItemDetailSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="enforcement_benchmark_list",
        parameters=[OpenApiParameter("item", int, description="authority item id")],
    ),
    post=extend_schema(
        operation_id="enforcement_benchmark_create",
        request=BenchmarkInputSerializer,
        responses={201: BenchmarkOutputSerializer},
    ),
)
class BenchmarkListApi(ListAPIView):
    """Benchmark versions in scope; POST adds a draft version (checked against the rules)."""

    serializer_class = BenchmarkOutputSerializer
    queryset = DiscretionBenchmark.objects.none()
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[DiscretionBenchmark]:
        item = self.request.query_params.get("item", "")
        item_id = int(item) if item.isdigit() else None
        return selectors.benchmark_list_for(self.request.user, item_id)

    def post(self, request: Request) -> Response:
        data = BenchmarkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not values.get("item") or not values.get("valid_from") or "tiers" not in values:
            raise ValidationError({"detail": "请提供 item、valid_from 和 tiers"})
        item = _item(request, values["item"])
        services.require_manager(request.user, item.agency)
        try:
            benchmark = services.benchmark_create(
                actor=request.user, item=item, valid_from=values["valid_from"],
                valid_to=values.get("valid_to"), issuing_body=values.get("issuing_body", ""),
                region=values.get("region"), tiers=values["tiers"],
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return Response(
            BenchmarkOutputSerializer(_benchmark(request, benchmark.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    get=extend_schema(operation_id="enforcement_benchmark_detail"),
    patch=extend_schema(
        operation_id="enforcement_benchmark_update",
        request=BenchmarkInputSerializer,
        responses=BenchmarkOutputSerializer,
    ),
)
class BenchmarkDetailApi(APIView):
    """One benchmark version with its tiers; PATCH edits a draft."""

    serializer_class = BenchmarkOutputSerializer
    queryset = DiscretionBenchmark.objects.none()

    def get(self, request: Request, pk: int) -> Response:
        return Response(BenchmarkOutputSerializer(_benchmark(request, pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        benchmark = _benchmark(request, pk)
        services.require_manager(request.user, benchmark.item.agency)
        data = BenchmarkInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            services.benchmark_update(
                actor=request.user, benchmark=benchmark, tiers=values.get("tiers"),
                valid_from=values.get("valid_from"),
                valid_to=values.get("valid_to", services.KEEP),
                issuing_body=values.get("issuing_body"),
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return Response(BenchmarkOutputSerializer(_benchmark(request, pk)).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="enforcement_benchmark_publish", request=None,
        responses=BenchmarkOutputSerializer,
    )
)
class BenchmarkPublishApi(_PublishApi):
    """Publish a version; the previous published version ends the day before it starts."""

    queryset = DiscretionBenchmark.objects.none()
    lookup = staticmethod(_benchmark)  # type: ignore[assignment]

    def post(self, request: Request, pk: int) -> Response:
        benchmark = _benchmark(request, pk)
        services.require_manager(request.user, benchmark.item.agency)
        try:
            services.benchmark_publish(actor=request.user, benchmark=benchmark)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return Response(BenchmarkOutputSerializer(_benchmark(request, pk)).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="enforcement_first_violation_list_list",
        parameters=[OpenApiParameter("sector", str), OpenApiParameter("q", str)],
    ),
    post=extend_schema(
        operation_id="enforcement_first_violation_list_create",
        request=FirstViolationListInputSerializer,
        responses={201: FirstViolationListOutputSerializer},
    ),
)
class FirstViolationListListApi(ListAPIView):
    """First-violation no-penalty lists in scope; POST adds one (with its entries)."""

    serializer_class = FirstViolationListOutputSerializer
    queryset = FirstViolationList.objects.none()
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[FirstViolationList]:
        filters = {k: self.request.query_params.get(k, "") for k in ("sector", "q")}
        return selectors.first_violation_list_list_for(self.request.user, filters).prefetch_related(
            "entries"
        )

    def post(self, request: Request) -> Response:
        data = FirstViolationListInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        for required in ("name", "sector", "issuing_agency", "valid_from"):
            if not values.get(required):
                raise ValidationError({required: "该字段是必填项。"})
        services.require_manager(request.user, values["issuing_agency"])
        try:
            fvl = services.first_violation_list_create(actor=request.user, **values)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return Response(
            FirstViolationListOutputSerializer(_fvl(request, fvl.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    get=extend_schema(operation_id="enforcement_first_violation_list_detail"),
    patch=extend_schema(
        operation_id="enforcement_first_violation_list_update",
        request=FirstViolationListInputSerializer,
        responses=FirstViolationListOutputSerializer,
    ),
)
class FirstViolationListDetailApi(APIView):
    """One list with its entries; PATCH edits an unpublished list."""

    serializer_class = FirstViolationListOutputSerializer
    queryset = FirstViolationList.objects.none()

    def get(self, request: Request, pk: int) -> Response:
        return Response(FirstViolationListOutputSerializer(_fvl(request, pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        fvl = _fvl(request, pk)
        services.require_manager(request.user, fvl.issuing_agency)
        data = FirstViolationListInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        for frozen in ("sector", "issuing_agency"):
            values.pop(frozen, None)
        entries = values.pop("entries", None)
        try:
            services.first_violation_list_update(
                actor=request.user, fvl=fvl, entries=entries, **values
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return Response(FirstViolationListOutputSerializer(_fvl(request, pk)).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="enforcement_first_violation_list_publish", request=None,
        responses=FirstViolationListOutputSerializer,
    )
)
class FirstViolationListPublishApi(_PublishApi):
    """Publish a list; the previous list of its sector and region ends the day before."""

    queryset = FirstViolationList.objects.none()
    lookup = staticmethod(_fvl)  # type: ignore[assignment]

    def post(self, request: Request, pk: int) -> Response:
        fvl = _fvl(request, pk)
        services.require_manager(request.user, fvl.issuing_agency)
        try:
            services.first_violation_list_publish(actor=request.user, fvl=fvl)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return Response(FirstViolationListOutputSerializer(_fvl(request, pk)).data)
