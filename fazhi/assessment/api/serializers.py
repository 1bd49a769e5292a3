"""Output shapes of the assessment API. Points are decimal strings; null total means no data."""

from __future__ import annotations

from rest_framework import serializers


class PeriodSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.SerializerMethodField()
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    has_data = serializers.SerializerMethodField()

    def get_rank(self, row: object) -> int | None:
        return row.rank if row.total is not None else None  # type: ignore[attr-defined]

    def get_has_data(self, row: object) -> bool:
        return row.total is not None  # type: ignore[attr-defined]


class RankingSerializer(serializers.Serializer):
    level = serializers.CharField()
    target_kind = serializers.CharField()
    period = PeriodSerializer(allow_null=True)
    count = serializers.IntegerField()
    results = RankingRowSerializer(many=True)


class IndicatorSubtotalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="indicator.pk")
    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    level = serializers.CharField(source="indicator.level")
    total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    entry_count = serializers.IntegerField()


class TargetSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()


class TargetBreakdownSerializer(serializers.Serializer):
    target = TargetSerializer()
    period = PeriodSerializer()
    total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    entry_count = serializers.IntegerField()
    aspects = IndicatorSubtotalSerializer(many=True)
    indicators = IndicatorSubtotalSerializer(many=True, allow_null=True)


class ScoreEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    indicator = serializers.CharField(source="indicator.code")
    indicator_name = serializers.CharField(source="indicator.name")
    points = serializers.DecimalField(max_digits=9, decimal_places=2)
    kind = serializers.CharField()
    rule = serializers.CharField()
    source_label = serializers.CharField()
    source_url = serializers.CharField()
    reverses = serializers.IntegerField(source="reverses_id", allow_null=True)
