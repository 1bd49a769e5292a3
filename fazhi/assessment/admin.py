"""Read-only admin views of the indicator sets, periods and the ledger.

Indicators come from `load_indicators`, periods from `period_ensure_year`, entries from
`score_record`: every write goes through a service with its audit entry, so the admin only shows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from fazhi.assessment.models import Indicator, IndicatorSet, Period, ScoreEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorSet)
class IndicatorSetAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "is_current")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "weight", "sub_platform", "indicator_set")
    list_filter = ("indicator_set", "level", "sub_platform")
    search_fields = ("code", "name")
    ordering = ("path",)


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "start", "end")
    list_filter = ("kind",)


@admin.register(ScoreEntry)
class ScoreEntryAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "government", "agency", "indicator", "points", "kind", "rule")
    list_filter = ("kind",)
    search_fields = ("rule", "source_label")
    list_select_related = ("government", "agency", "indicator")
    raw_id_fields = ("government", "agency", "indicator", "reverses", "recorded_by")
