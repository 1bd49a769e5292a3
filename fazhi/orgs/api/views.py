"""JSON API of the organisation tree: agencies, scoped exactly like the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView, RetrieveAPIView

from fazhi.orgs import selectors
from fazhi.orgs.api.serializers import AgencyOutputSerializer
from fazhi.orgs.models import Agency, AgencyKind

FILTER_PARAMETERS = [
    OpenApiParameter("division", str, description="Division code; includes everything below"),
    OpenApiParameter("sector", str, description="Sector code, e.g. market"),
    OpenApiParameter("kind", str, enum=AgencyKind.values),
    OpenApiParameter("q", str, description="Part of the name, or the exact credit code"),
]


@extend_schema_view(
    get=extend_schema(operation_id="orgs_agency_list", parameters=FILTER_PARAMETERS)
)
class AgencyListApi(ListAPIView):
    """Agencies in the caller's data scope, 50 per page (limit/offset)."""

    serializer_class = AgencyOutputSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Agency]:
        filters = {k: self.request.query_params.get(k, "") for k in selectors.FILTER_KEYS}
        return selectors.agency_list_for(self.request.user, filters)


@extend_schema_view(get=extend_schema(operation_id="orgs_agency_detail"))
class AgencyDetailApi(RetrieveAPIView):
    """One agency in the caller's data scope; 404 outside it."""

    serializer_class = AgencyOutputSerializer

    def get_object(self) -> Agency:
        try:
            return selectors.agency_get_for(self.request.user, self.kwargs["pk"])
        except Agency.DoesNotExist as exc:
            raise Http404 from exc
