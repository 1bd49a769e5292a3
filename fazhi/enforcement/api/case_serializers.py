"""Serializers of the case API (issue 4 §8). Output shapes are read-only; inputs validate the
shape and leave the law to the services (rules/cases.py), whose messages name the article."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fazhi.enforcement.api.serializers_authority import PENALTY_CHOICES
from fazhi.enforcement.forms.cases import (
    CIRCUMSTANCE_CHOICES,
    SERVICE_METHOD_CHOICES,
    TransitionForm,
)
from fazhi.enforcement.models import (
    Case,
    CaseOfficer,
    CoercionMeasure,
    DeadlineExtension,
    DiscretionBenchmark,
    LegalReview,
    Officer,
    Party,
    Step,
)
from fazhi.enforcement.rules.coercion import LIMITED_KINDS, MEASURE_KIND_LABELS
from fazhi.enforcement.rules.discretion import NO_PENALTY_LABELS
from fazhi.enforcement.rules.enums import (
    ACT_TYPE_LABELS,
    CASE_STATE_LABELS,
    PARTY_KIND_LABELS,
    PROCEDURE_LABELS,
    REVIEW_RESULT_LABELS,
    TIER_CHOICES,
    choices,
)


class PartySerializer(serializers.ModelSerializer):
    # A plain string in the schema: "kind" enums of other apps would collide with this one.
    kind = serializers.CharField(read_only=True, help_text="citizen | organisation")

    class Meta:
        model = Party
        fields = ["id", "kind", "name", "address", "legal_representative"]


class CaseListSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    party_name = serializers.CharField(source="party.name", read_only=True, default="")
    division_code = serializers.CharField(source="division.code", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "agency",
            "agency_name",
            "division_code",
            "sector",
            "act_type",
            "procedure",
            "state",
            "party_name",
            "filed_on",
            "decision_due_on",
            "decided_on",
            "fine_amount",
            "is_major",
            "created_at",
        ]


class StepSerializer(serializers.ModelSerializer):
    officers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, default="")

    class Meta:
        model = Step
        fields = [
            "id",
            "code",
            "state_from",
            "state_to",
            "actor",
            "officers",
            "occurred_at",
            "place",
            "note",
            "documents",
            "due_on",
            "done_on",
            "av_required",
            "av_recorded",
            "basis",
            "data",
        ]


class CaseOfficerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="officer.name", read_only=True)

    class Meta:
        model = CaseOfficer
        fields = ["officer", "name", "role"]


class LegalReviewSerializer(serializers.ModelSerializer):
    reviewer_name = serializers.CharField(source="reviewer.full_name", read_only=True)

    class Meta:
        model = LegalReview
        fields = [
            "id",
            "reviewer",
            "reviewer_name",
            "submitted_at",
            "reviewed_at",
            "result",
            "opinion",
        ]


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadlineExtension
        fields = ["id", "days", "reason", "approved_by", "approved_at"]


class BenchmarkAppliedSerializer(serializers.ModelSerializer):
    """The discretion benchmark version a notice or decision applied (《行政处罚法》第三十七条)."""

    class Meta:
        model = DiscretionBenchmark
        fields = ["id", "valid_from", "valid_to", "issuing_body"]


class CoercionMeasureSerializer(serializers.ModelSerializer):
    """The coercive measure of a coercion case: the head's approval (before it, or on the report
    of an emergency measure: 《行政强制法》第十八条、第十九条), its period and its one extension
    (第二十五条、第三十二条), its release."""

    # A plain string in the schema: "kind" enums of other apps would collide with this one.
    kind = serializers.CharField(read_only=True, help_text="seal | seize | freeze | other")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    approved_by_name = serializers.CharField(
        source="approved_by.full_name", read_only=True, default=""
    )
    extension_approved_by_name = serializers.CharField(
        source="extension_approved_by.full_name", read_only=True, default=""
    )
    limit_basis = serializers.SerializerMethodField(
        help_text="The article that limits the measure's period; empty for other measures"
    )

    class Meta:
        model = CoercionMeasure
        fields = [
            "kind",
            "kind_label",
            "started_at",
            "ends_on",
            "emergency",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "report_late",
            "limit_basis",
            "extension_days",
            "extension_reason",
            "extension_approved_by",
            "extension_approved_by_name",
            "extension_approved_at",
            "released_on",
        ]

    def get_limit_basis(self, measure: CoercionMeasure) -> str:
        return LIMITED_KINDS.get(measure.kind, "")


class CaseDetailSerializer(CaseListSerializer):
    party = PartySerializer(read_only=True)
    officers = CaseOfficerSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    legal_reviews = LegalReviewSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    benchmark_applied = BenchmarkAppliedSerializer(
        read_only=True,
        allow_null=True,
        help_text="The benchmark version applied (art. 37); null with a benchmark_rule: the "
        "statutory range alone",
    )
    benchmark_rule = serializers.CharField(
        read_only=True, help_text="Why this version applies, in Chinese (art. 37 从旧兼从轻)"
    )
    measure = serializers.SerializerMethodField(
        help_text="The coercive measure of a coercion case; null before its measure step"
    )

    @extend_schema_field(CoercionMeasureSerializer(allow_null=True))
    def get_measure(self, case: Case) -> dict[str, Any] | None:
        try:
            measure = case.measure
        except ObjectDoesNotExist:
            return None
        return CoercionMeasureSerializer(measure).data

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "party",
            "authority_item",
            "facts",
            "place",
            "source",
            "act_started_on",
            "act_ended_on",
            "discovered_on",
            "penalty_types",
            "tier",
            "outside_benchmark_reason",
            "no_penalty_ground",
            "fine_base_amount",
            "fine_base_evidence",
            "benchmark_applied",
            "benchmark_rule",
            "major_reasons",
            "notified_on",
            "statement_due_on",
            "hearing_offered",
            "hearing_request_due_on",
            "hearing_requested_on",
            "hearing_on",
            "service_due_on",
            "served_on",
            "payment_due_on",
            "closed_on",
            "revoked_at",
            "officers",
            "steps",
            "legal_reviews",
            "extensions",
            "measure",
        ]


class PartyInputSerializer(serializers.Serializer):
    kind = serializers.CharField(
        max_length=16, label=_("party kind"), help_text="citizen | organisation"
    )
    name = serializers.CharField(max_length=128, label=_("name"))
    id_number = serializers.CharField(max_length=32, label=_("ID number or credit code"))
    address = serializers.CharField(max_length=256, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    legal_representative = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )

    def validate_kind(self, value: str) -> str:
        if value not in dict(choices(PARTY_KIND_LABELS)):
            raise serializers.ValidationError(_("Choose a citizen or an organisation."))
        return value


class CaseCreateSerializer(serializers.Serializer):
    agency = serializers.IntegerField(required=False, label=_("agency"))
    act_type = serializers.ChoiceField(choices=choices(ACT_TYPE_LABELS), label=_("act type"))
    procedure = serializers.ChoiceField(choices=choices(PROCEDURE_LABELS), label=_("procedure"))
    title = serializers.CharField(max_length=200, label=_("title"))
    party = PartyInputSerializer(required=False, allow_null=True)
    authority_item = serializers.IntegerField(required=False, allow_null=True)
    officers = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    facts = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=256, required=False, allow_blank=True, default="")
    source = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    act_started_on = serializers.DateField(required=False, allow_null=True)
    act_ended_on = serializers.DateField(required=False, allow_null=True)
    discovered_on = serializers.DateField(required=False, allow_null=True)


def _money(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=help_text,
    )


def _flag(help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, help_text=help_text)


def _day(help_text: str) -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, help_text=help_text)


class StepDataSerializer(serializers.Serializer):
    """The facts of one step: the same inputs as the case page's transition form
    (forms.cases.TransitionForm), passed to services.cases.case_transition as its `data`.
    A key counts only when sent (an omitted finding keeps the recorded one); a key the page's
    form does not offer for this step is refused (400)."""

    # the prior notice and the decision (arts. 44, 59; rulebook §10.3), not of a coercion case
    minor = _flag("Finding: the violation is minor")
    corrected = _flag("Finding: promptly corrected")
    no_harm = _flag("Finding: no harmful consequence")
    slight_harm = _flag("Finding: slight harmful consequence")
    no_fault = _flag("Finding: evidence shows no subjective fault")
    no_fault_excluded = _flag("Finding: a law excludes the no-fault defence")
    incapable = _flag("Finding: unable to recognise or control the conduct")
    serious_harm = _flag("Finding: endangers life, health, finance or similar")
    facts_not_established = _flag("Finding: the facts of the violation are not established")
    penalty_types = serializers.ListField(
        # the authority serializers' choice set: one PenaltyTypesEnum in the schema
        child=serializers.ChoiceField(choices=PENALTY_CHOICES),
        required=False,
    )
    fine_amount = _money("Fine (yuan)")
    confiscation_value = _money("Value confiscated (yuan)")
    tier = serializers.ChoiceField(
        choices=TIER_CHOICES, required=False, allow_blank=True, help_text="Discretion tier"
    )
    outside_benchmark_reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Reason for departing from the benchmark"
    )
    no_penalty_ground = serializers.ChoiceField(
        choices=choices(NO_PENALTY_LABELS),
        required=False,
        allow_blank=True,
        help_text="Ground for no penalty (arts. 30, 31, 33, 36, 37, 40)",
    )
    fine_base_amount = _money(
        "Base of a fine that is a multiple of it (货值金额, 违法所得 …), yuan (rulebook §10.2)"
    )
    fine_base_evidence = serializers.CharField(
        required=False, allow_blank=True, help_text="Evidence the base rests on (art. 40)"
    )
    # waivers (arts. 62, 64)
    statement_waived = _flag("The party expressly waived statement and defence (art. 62)")
    hearing_waived = _flag("The party waived the hearing (art. 64)")
    # the hearing (art. 64)
    hearing_requested_on = _day("Hearing requested on")
    hearing_notice_on = _day("Hearing notice served on")
    hearing_on = _day("Hearing held on")
    # service (art. 61)
    service_method = serializers.ChoiceField(
        choices=SERVICE_METHOD_CHOICES, required=False, help_text="Way of service"
    )
    served_on = _day("Served on")
    electronic_consent = _flag("The party signed consent to electronic service (art. 61 ¶2)")
    # coercion (《行政强制法》arts. 18, 19, 25, 43)
    on_site_coercion = _flag("A coercive measure was taken on site (audio-visual record)")
    measure_kind = serializers.ChoiceField(
        choices=choices(MEASURE_KIND_LABELS),
        required=False,
        help_text="The measure step (decided) of a coercion case: the coercive measure",
    )
    measure_started_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Measure started at; default: now"
    )
    measure_ends_on = _day("Last day of the measure (sealing, seizure, freeze: 30 days, art. 25)")
    measure_emergency = _flag("Taken on the spot in an emergency (reported within 24 h, art. 19)")
    measure_approved_by = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="User id of the head of the case's agency who approved the measure (art. 18), "
        "or approved it on the report of an emergency measure (art. 19)",
    )
    measure_approved_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Approved at; default: now"
    )
    coercive_execution = _flag(
        "This step carries out coercive execution (not at night or on holidays, art. 43)"
    )
    execution_emergency = _flag("The situation is urgent (art. 43)")


#: Fields of the page's transition form that are not step data (the API has them at the top).
_FORM_STEP_FIELDS = frozenset({"place", "officers", "documents", "av_recorded", "note"})


def step_data_keys(case: Case, to: str) -> frozenset[str]:
    """The `data` keys the case page's transition form offers for moving `case` to `to`."""
    form = TransitionForm(to=to, case=case, officers=Officer.objects.none())
    names = set(form.fields) - _FORM_STEP_FIELDS
    if "circumstances" in names:
        names.discard("circumstances")
        names |= set(dict(CIRCUMSTANCE_CHOICES))  # the findings, one key each
    return frozenset(names)


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=16, label=_("next step"))
    place = serializers.CharField(max_length=256, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    officers = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True, default=None
    )
    documents = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list
    )
    av_recorded = serializers.BooleanField(required=False, default=False)
    data = StepDataSerializer(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Refuse step data the page's form does not offer for this step (e.g. a penalty on a
        coercive measure, a measure on a filing), instead of recording it unread."""
        case = self.context.get("case")
        raw = self.initial_data.get("data") if isinstance(self.initial_data, dict) else None
        if case is not None and isinstance(raw, dict) and attrs["to"] in CASE_STATE_LABELS:
            stray = sorted(set(raw) - step_data_keys(case, attrs["to"]))
            if stray:
                raise serializers.ValidationError(
                    {
                        "data": [
                            _("These facts do not belong to this step: %(keys)s.")
                            % {"keys": ", ".join(stray)}
                        ]
                    }
                )
        attrs["data"] = dict(attrs.get("data") or {})
        return attrs


class AvailableTransitionSerializer(serializers.Serializer):
    to = serializers.CharField()
    label = serializers.CharField()
    blocked_by = serializers.ListField(child=serializers.CharField())


class ReviewRequestSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField(label=_("legal reviewer"))


class ReviewRecordSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=choices(REVIEW_RESULT_LABELS), label=_("result"))
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


class ExtensionInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365, label=_("days"))
    reason = serializers.CharField(label=_("reason"))


class RevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"))


class MeasureExtensionInputSerializer(serializers.Serializer):
    """Shape only: services.cases.coercion_measure_extend checks 1–30 days, the reason, once,
    before the measure ends (《行政强制法》第二十五条), with its Chinese messages."""

    days = serializers.IntegerField(label=_("days"), help_text="1 to 30 (art. 25)")
    reason = serializers.CharField(allow_blank=True, label=_("reason"))


class CasePageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = CaseListSerializer(many=True)
