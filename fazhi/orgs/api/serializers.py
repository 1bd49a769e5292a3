from rest_framework import serializers


class AgencyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    sector = serializers.CharField(source="sector.code", allow_null=True, default=None)
    sector_name = serializers.CharField(source="sector.name", allow_null=True, default=None)
    division_code = serializers.CharField(source="government.division.code")
    government = serializers.CharField(source="government.name")
    entrusted_by = serializers.IntegerField(source="entrusted_by_id", allow_null=True)
    is_active = serializers.BooleanField()
