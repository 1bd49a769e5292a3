"""Serializers of the case API (issue 4 §8). Output shapes are read-only; inputs validate the
shape and leave the law to the services (rules/cases.py), whose messages name the article."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fazhi.enforcement.models import (
    Case,
    CaseOfficer,
    DeadlineExtension,
    LegalReview,
    Party,
    Step,
)
from fazhi.enforcement.rules.enums import (
    ACT_TYPE_LABELS,
    PARTY_KIND_LABELS,
    PROCEDURE_LABELS,
    REVIEW_RESULT_LABELS,
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


class CaseDetailSerializer(CaseListSerializer):
    party = PartySerializer(read_only=True)
    officers = CaseOfficerSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    legal_reviews = LegalReviewSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)

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
    data = serializers.DictField(required=False, default=dict)


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


class CasePageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = CaseListSerializer(many=True)
