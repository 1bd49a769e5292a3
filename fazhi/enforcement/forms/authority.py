"""Forms of the authority-list pages: items, the one-step draft from a penalty provision, the
benchmark editor (one row per tier) and first-violation lists. They only parse input; the services
decide (rules/benchmarks.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from fazhi.enforcement.rules.discretion import FINE_BASE_LABELS
from fazhi.enforcement.rules.enums import (
    ACT_TYPE_LABELS,
    PENALTY_TYPE_LABELS,
    TIER_LABELS,
    ActType,
    choices,
)
from fazhi.laws.fields import ProvisionPickerWidget
from fazhi.laws.models import Provision
from fazhi.orgs.models import Division, Sector

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0), "required": False}
TIMES = {"max_digits": 8, "decimal_places": 2, "min_value": Decimal(0), "required": False}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def provision_by_key(key: str) -> Provision | None:
    """A provision by its stable key, in the law's current version (else the latest one)."""
    key = key.strip().strip("/")
    found = Provision.objects.filter(key=key, version=F("law__current_version")).first()
    return found or Provision.objects.filter(key=key).order_by("-version__effective_from").first()


class AuthorityItemForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=None, label=_("Agency"))  # type: ignore[arg-type]
    code = forms.CharField(label=_("Item code"), max_length=64, required=False,
                           help_text=_("Left empty, a code is assigned."))
    act_type = forms.ChoiceField(label=_("Act type"), choices=choices(ACT_TYPE_LABELS))
    name = forms.CharField(label=_("Name"), max_length=200)
    sector = forms.ModelChoiceField(
        queryset=Sector.objects.order_by("code"), label=_("Sector"), required=False
    )
    responsible_post = forms.CharField(label=_("Responsible post"), max_length=128, required=False)
    basis_keys = forms.CharField(
        label=_("Legal basis (provision keys)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One key per line, e.g. food-safety-law/art-124."),
    )
    penalty_types = forms.MultipleChoiceField(
        label=_("Statutory penalty types"), choices=choices(PENALTY_TYPE_LABELS),
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    fine_min = forms.DecimalField(label=_("Statutory minimum fine (yuan)"), **MONEY)
    fine_max = forms.DecimalField(label=_("Statutory maximum fine (yuan)"), **MONEY)
    multiple_min = forms.DecimalField(
        label=_("Statutory minimum multiple"), **TIMES,
        help_text=_("For a fine of N times a base, e.g. 货值金额十倍以上二十倍以下: 10 and 20."),
    )
    multiple_max = forms.DecimalField(label=_("Statutory maximum multiple"), **TIMES)
    fine_base = forms.ChoiceField(
        label=_("Base of the multiple"), required=False,
        choices=[("", "—"), *choices(FINE_BASE_LABELS)],
    )
    base_threshold = forms.DecimalField(
        label=_("Multiples apply from a base of (yuan)"), **MONEY,
        help_text=_("Below it the fixed range applies (e.g. 10,000 for 食品安全法第一百二十四条)."),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean_basis_keys(self) -> list[Provision]:
        found, missing = [], []
        for line in self.cleaned_data.get("basis_keys", "").splitlines():
            if not line.strip():
                continue
            provision = provision_by_key(line)
            (found.append(provision) if provision else missing.append(line.strip()))
        if missing:
            raise forms.ValidationError(
                _("No provision has the key %(keys)s.") % {"keys": "、".join(missing)}
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("act_type") != ActType.PENALTY:
            data["penalty_types"], data["fine_min"], data["fine_max"] = [], None, None
            data["multiple_min"] = data["multiple_max"] = data["base_threshold"] = None
            data["fine_base"] = ""
        return data


class DraftFromProvisionForm(forms.Form):
    """Pick a penalty provision (picker or key); the item and its benchmark are drafted from it."""

    agency = forms.ModelChoiceField(queryset=None, label=_("Agency"))  # type: ignore[arg-type]
    provision = forms.ModelChoiceField(
        queryset=Provision.objects.all(), widget=ProvisionPickerWidget, required=False,
        label=_("Penalty provision"),
    )
    key = forms.CharField(label=_("Or its key"), required=False, max_length=200,
                          help_text=_("e.g. food-safety-law/art-124"))
    code = forms.CharField(label=_("Item code"), max_length=64, required=False)
    responsible_post = forms.CharField(label=_("Responsible post"), max_length=128, required=False)
    benchmark_from = forms.DateField(label=_("Benchmark valid from"), required=False, widget=DATE)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("provision") and data.get("key"):
            data["provision"] = provision_by_key(data["key"])
            if data["provision"] is None:
                self.add_error("key", _("No provision has this key."))
        if not data.get("provision") and not self.errors:
            self.add_error("provision", _("Choose a penalty provision."))
        return data


class BenchmarkForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=128, required=False)
    region = forms.ModelChoiceField(
        queryset=Division.objects.order_by("path"), label=_("Region"), required=False
    )


class TierForm(forms.Form):
    level = forms.ChoiceField(choices=choices(TIER_LABELS), widget=forms.HiddenInput)
    circumstances = forms.CharField(
        label=_("Circumstances"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    penalty_types = forms.MultipleChoiceField(
        label=_("Penalty types"), choices=choices(PENALTY_TYPE_LABELS),
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    fine_min = forms.DecimalField(label=_("Minimum fine (yuan)"), **MONEY)
    fine_max = forms.DecimalField(label=_("Maximum fine (yuan)"), **MONEY)
    multiple_min = forms.DecimalField(label=_("Minimum multiple"), **TIMES)
    multiple_max = forms.DecimalField(label=_("Maximum multiple"), **TIMES)
    requires_legal_review = forms.BooleanField(label=_("Requires legal review"), required=False)
    requires_collective_discussion = forms.BooleanField(
        label=_("Requires collective discussion"), required=False
    )
    legal_ground = forms.CharField(label=_("Legal ground"), max_length=200, required=False)
    overlap_note = forms.CharField(
        label=_("Documented overlap"), max_length=300, required=False,
        help_text=_("Only when this tier deliberately overlaps its neighbour."),
    )

    def __init__(self, *args: Any, types: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.tier_level == "no_penalty":  # art. 33: no type, no fine
            for name in ("penalty_types", "fine_min", "fine_max", "multiple_min", "multiple_max",
                         "overlap_note"):
                del self.fields[name]
        elif types:  # only the item's statutory types are offered (rulebook §10.2 rule 3)
            field = self.fields["penalty_types"]
            field.choices = [c for c in field.choices if c[0] in set(types)]  # type: ignore[attr-defined]

    @property
    def tier_level(self) -> str:
        return str(self.initial.get("level") or self.data.get(self.add_prefix("level"), ""))

    @property
    def level_label(self) -> str:
        return str(TIER_LABELS.get(self.tier_level, self.tier_level))  # type: ignore[call-overload]


TierFormSet = forms.formset_factory(TierForm, extra=0, min_num=1, max_num=5, validate_max=True)


class FirstViolationListForm(forms.Form):
    issuing_agency = forms.ModelChoiceField(
        queryset=None, label=_("Issuing agency")  # type: ignore[arg-type]
    )
    sector = forms.ModelChoiceField(queryset=Sector.objects.order_by("code"), label=_("Sector"))
    region = forms.ModelChoiceField(
        queryset=Division.objects.order_by("path"), label=_("Region"), required=False,
        help_text=_("Left empty: the issuing agency's division."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    lookback_days = forms.IntegerField(
        label=_("Look-back window (days)"), min_value=1, max_value=3650, initial=730,
        help_text=_("Earlier violations of the same party within this window make it not a "
                    "first violation."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)
    entries = forms.CharField(
        label=_("Entries"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line: violation key | description | correction period in days."),
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean_entries(self) -> list[dict[str, Any]]:
        rows = []
        for n, line in enumerate(self.cleaned_data["entries"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            key = parts[0]
            description = parts[1] if len(parts) > 1 and parts[1] else key
            try:
                days = int(parts[2]) if len(parts) > 2 and parts[2] else 15
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)s: the correction period must be a number of days.") % {"n": n}
                ) from None
            rows.append({"violation_key": key, "description": description,
                         "correction_days": days})
        if not rows:
            raise forms.ValidationError(_("List at least one violation."))
        return rows


def entries_text(fvl: Any) -> str:
    return "\n".join(
        f"{e.violation_key} | {e.description} | {e.correction_days}" for e in fvl.entries.all()
    )
