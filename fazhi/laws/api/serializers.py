from __future__ import annotations

from rest_framework import serializers

from fazhi.laws.models import Law, LawVersion, Provision


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = LawVersion
        fields = ["id", "version_date", "effective_from", "effective_to", "status", "article_count"]


class LawSerializer(serializers.ModelSerializer):
    sectors = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    current_version = VersionSerializer(read_only=True)

    class Meta:
        model = Law
        fields = [
            "slug",
            "title",
            "short_title",
            "category",
            "issuing_body",
            "branch",
            "sectors",
            "current_version",
        ]


class LawDetailSerializer(LawSerializer):
    versions = VersionSerializer(many=True, read_only=True)

    class Meta(LawSerializer.Meta):
        fields = [*LawSerializer.Meta.fields, "versions"]


class PenaltySerializer(serializers.Serializer):
    types = serializers.ListField(child=serializers.CharField())
    fine_min = serializers.IntegerField(allow_null=True)
    fine_max = serializers.IntegerField(allow_null=True)
    authority = serializers.CharField()
    facts = serializers.JSONField()
    enforces = serializers.SerializerMethodField()

    def get_enforces(self, clause) -> list[str]:  # type: ignore[no-untyped-def]
        return [p.key for p in clause.enforces.all()]


class ProvisionSerializer(serializers.ModelSerializer):
    law_title = serializers.CharField(source="law.title")
    version = VersionSerializer(read_only=True)
    penalty = serializers.SerializerMethodField()

    class Meta:
        model = Provision
        fields = [
            "id",
            "key",
            "kind",
            "label",
            "law_title",
            "chapter",
            "text",
            "article_no",
            "paragraph_no",
            "item_no",
            "is_penalty",
            "version",
            "penalty",
        ]

    def get_penalty(self, provision: Provision) -> dict | None:
        clause = getattr(provision, "penalty", None) if provision.is_penalty else None
        return PenaltySerializer(clause).data if clause else None


class SearchHitSerializer(serializers.Serializer):
    key = serializers.CharField()
    provision_id = serializers.IntegerField()
    law_title = serializers.CharField()
    label = serializers.CharField()
    snippet_html = serializers.CharField()
    score = serializers.FloatField()


class RecommendationSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    key = serializers.CharField()
    provision_id = serializers.IntegerField()
    law_slug = serializers.CharField()
    law_title = serializers.CharField()
    article = serializers.CharField()
    label = serializers.CharField()
    snippet = serializers.CharField()
    score = serializers.FloatField()
    is_penalty = serializers.BooleanField()
    url = serializers.CharField()


class RecommendQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, trim_whitespace=True)
    top = serializers.IntegerField(min_value=1, max_value=20, default=5)
    sector = serializers.SlugField(required=False, allow_blank=True)
    laws = serializers.CharField(
        required=False, allow_blank=True, help_text="comma-separated slugs"
    )
