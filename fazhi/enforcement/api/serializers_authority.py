"""Serializers of the authority-list API (issue 4 §3, §8): output shapes and validated input."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fazhi.enforcement.rules.discretion import FINE_BASE_LABELS
from fazhi.enforcement.rules.enums import (
    ACT_TYPE_LABELS,
    PENALTY_TYPE_LABELS,
    TIER_LABELS,
    choices,
)
from fazhi.laws.models import Provision
from fazhi.orgs.models import Agency, Division, Sector

PENALTY_CHOICES = [c for c, _ in choices(PENALTY_TYPE_LABELS)]
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0, "required": False,
         "allow_null": True}
# Multiples of a base (货值金额十倍以上二十倍以下, rulebook §10.2) and the threshold from which they
# apply: no bounds here, so a negative or inverted value gets the services' Chinese message
# (services.authority._check_multiples, rules.benchmarks._check_multiples).
TIMES = {"max_digits": 8, "decimal_places": 2, "required": False, "allow_null": True}
BASE_THRESHOLD = {"max_digits": 14, "decimal_places": 2, "required": False, "allow_null": True}
FINE_BASE_CHOICES = choices(FINE_BASE_LABELS)


class BasisOutputSerializer(serializers.Serializer):
    provision_id = serializers.IntegerField()
    key = serializers.CharField(source="provision.key")
    citation = serializers.CharField(source="provision.citation")
    role = serializers.CharField()
    needs_confirmation = serializers.BooleanField()
    url = serializers.CharField(source="provision.get_absolute_url")


class TierSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=choices(TIER_LABELS))
    circumstances = serializers.CharField(required=False, allow_blank=True, default="")
    penalty_types = serializers.ListField(
        child=serializers.ChoiceField(choices=PENALTY_CHOICES), required=False, default=list
    )
    fine_min = serializers.DecimalField(**MONEY)
    fine_max = serializers.DecimalField(**MONEY)
    multiple_min = serializers.DecimalField(**TIMES, help_text="Minimum multiple of the base")
    multiple_max = serializers.DecimalField(**TIMES, help_text="Maximum multiple of the base")
    requires_legal_review = serializers.BooleanField(required=False, default=False)
    requires_collective_discussion = serializers.BooleanField(required=False, default=False)
    legal_ground = serializers.CharField(required=False, allow_blank=True, default="",
                                         max_length=200)
    overlap_note = serializers.CharField(required=False, allow_blank=True, default="",
                                         max_length=300)


class BenchmarkOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    issuing_body = serializers.CharField()
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    is_published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    tiers = TierSerializer(many=True, source="tiers.all")


class BenchmarkInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(required=False)
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False, allow_null=True)
    issuing_body = serializers.CharField(required=False, allow_blank=True, max_length=128)
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.all(), required=False, allow_null=True
    )
    tiers = TierSerializer(many=True, required=False)


class AuthorityItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField(source="agency.name")
    code = serializers.CharField()
    act_type = serializers.CharField()
    act_type_label = serializers.CharField(source="get_act_type_display")
    name = serializers.CharField()
    sector = serializers.CharField(source="sector.code", allow_null=True, default=None)
    responsible_post = serializers.CharField()
    violation_key = serializers.CharField()
    penalty_types = serializers.ListField(child=serializers.CharField())
    fine_min = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    fine_max = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    multiple_min = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    multiple_max = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    fine_base = serializers.CharField(
        help_text="What the fine is a multiple of: goods_value, illegal_gains, "
        "illegal_turnover, other; empty without multiples"
    )
    base_threshold = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="Multiples apply from this base (yuan); below it the fixed range",
    )
    is_published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)


class AuthorityItemDetailSerializer(AuthorityItemOutputSerializer):
    bases = BasisOutputSerializer(many=True, source="bases.all")
    benchmarks = BenchmarkOutputSerializer(many=True, source="benchmarks.all")


class AuthorityItemInputSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False)
    code = serializers.CharField(required=False, allow_blank=True, max_length=64)
    act_type = serializers.ChoiceField(choices=choices(ACT_TYPE_LABELS), required=False)
    name = serializers.CharField(required=False, max_length=200)
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), required=False, allow_null=True
    )
    responsible_post = serializers.CharField(required=False, allow_blank=True, max_length=128)
    penalty_types = serializers.ListField(
        child=serializers.ChoiceField(choices=PENALTY_CHOICES), required=False
    )
    fine_min = serializers.DecimalField(**MONEY)
    fine_max = serializers.DecimalField(**MONEY)
    multiple_min = serializers.DecimalField(**TIMES)
    multiple_max = serializers.DecimalField(**TIMES)
    fine_base = serializers.ChoiceField(
        choices=FINE_BASE_CHOICES,
        required=False,
        allow_blank=True,
        help_text="What the fine is a multiple of; needed with multiples",
    )
    base_threshold = serializers.DecimalField(**BASE_THRESHOLD)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_to = serializers.DateField(required=False, allow_null=True)
    basis_keys = serializers.ListField(child=serializers.CharField(), required=False)

    def validate_basis_keys(self, keys: list[str]) -> list[Provision]:
        from fazhi.enforcement.forms.authority import provision_by_key

        found = [(k, provision_by_key(k)) for k in keys]
        missing = [k for k, p in found if p is None]
        if missing:
            raise serializers.ValidationError(f"没有条文编号为 {'、'.join(missing)} 的条文")
        return [p for _, p in found if p is not None]


class DraftInputSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    provision = serializers.PrimaryKeyRelatedField(
        queryset=Provision.objects.all(), required=False, allow_null=True
    )
    key = serializers.CharField(required=False, allow_blank=True, max_length=200)
    code = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    responsible_post = serializers.CharField(required=False, allow_blank=True, default="")
    benchmark_from = serializers.DateField(required=False, allow_null=True)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        from fazhi.enforcement.forms.authority import provision_by_key

        if not data.get("provision") and data.get("key"):
            data["provision"] = provision_by_key(data["key"])
        if not data.get("provision"):
            raise serializers.ValidationError({"provision": "请选择处罚条款（provision 或 key）"})
        return data


class EntrySerializer(serializers.Serializer):
    violation_key = serializers.CharField(max_length=160)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    correction_days = serializers.IntegerField(min_value=1, max_value=3650, required=False,
                                               default=15)


class FirstViolationListOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sector = serializers.CharField(source="sector.code")
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    issuing_agency = serializers.IntegerField(source="issuing_agency_id", allow_null=True)
    lookback_days = serializers.IntegerField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    is_published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    entries = EntrySerializer(many=True, source="entries.all")


class FirstViolationListInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), required=False
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.all(), required=False, allow_null=True
    )
    issuing_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False
    )
    lookback_days = serializers.IntegerField(min_value=1, max_value=3650, required=False)
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False, allow_null=True)
    entries = EntrySerializer(many=True, required=False)
