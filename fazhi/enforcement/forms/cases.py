"""Forms of the case pages (issue 4 §4). They collect input; the case services decide.

The services own every legal check (identifiers, art. 51 simple-procedure limits, art. 42/55 two
officers, art. 58 legal review, ...) and raise Chinese `ValidationError`s naming the article;
the views attach those messages to these forms. The forms check only what a form can know: the
shape of the input, and that chosen objects come from the acting agency (authority list,
officers with a valid certificate, legal reviewers).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from fazhi.enforcement.rules.coercion import MEASURE_KIND_LABELS
from fazhi.enforcement.rules.discretion import (
    NO_PENALTY_BASIS,
    NO_PENALTY_LABELS,
    NoPenaltyGround,
)
from fazhi.enforcement.rules.enums import (
    ACT_TYPE_LABELS,
    CASE_STATE_LABELS,
    PARTY_KIND_LABELS,
    PENALTY_TYPE_LABELS,
    PROCEDURE_LABELS,
    REVIEW_RESULT_LABELS,
    TIER_LABELS,
    ActType,
    CaseState,
    PartyKind,
    choices,
)

ANY = [("", _("All"))]

# Clue sources of rulebook §1.6 row 1 [PRAC].
SOURCE_CHOICES = [
    ("inspection", _("Inspection")),
    ("complaint", _("Complaint or report")),
    ("transfer", _("Transfer from another organ")),
    ("monitoring", _("Monitoring device")),
    ("assignment", _("Assigned by a higher level")),
]

# The no-penalty order of rulebook §10.3 (arts. 30, 31, 33, 36, 40), offered before the tiers;
# labels and articles are the rules' own.
NO_PENALTY_CHOICES = [("", _("None: a penalty is imposed"))] + [
    (ground.value, format_lazy("{}（{}）", NO_PENALTY_LABELS[ground], NO_PENALTY_BASIS[ground]))
    for ground in NoPenaltyGround
]

# The officer's findings the no-penalty order and the tiers read
# (services.cases.CIRCUMSTANCE_FLAGS).
CIRCUMSTANCE_CHOICES = [
    ("minor", _("The violation is minor")),
    ("corrected", _("Promptly corrected")),
    ("no_harm", _("No harmful consequence")),
    ("slight_harm", _("Slight harmful consequence")),
    ("no_fault", _("Evidence shows no subjective fault")),
    ("no_fault_excluded", _("A law excludes the no-fault defence")),
    ("incapable", _("Unable to recognise or control the conduct")),
    ("serious_harm", _("Endangers life, health, finance or similar (5-year limitation)")),
    ("facts_not_established", _("The facts of the violation are not established")),
]

SERVICE_METHOD_CHOICES = [
    ("direct", _("Direct service")),
    ("on_the_spot", _("Handed over on the spot")),
    ("left", _("Left at the residence")),
    ("post", _("By post")),
    ("entrusted", _("Entrusted service")),
    ("electronic", _("Electronic service")),
    ("announcement", _("Service by announcement")),
]

class CaseFilterForm(forms.Form):
    """Filters of the case list (all optional; an invalid value is ignored, not an error page)."""

    division = forms.CharField(label=_("Division"), required=False, max_length=6)
    agency = forms.IntegerField(label=_("Agency"), required=False, min_value=1)
    sector = forms.CharField(label=_("Sector"), required=False, max_length=48)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=ANY + choices(CASE_STATE_LABELS)
    )
    procedure = forms.ChoiceField(
        label=_("Procedure"), required=False, choices=ANY + choices(PROCEDURE_LABELS)
    )
    act_type = forms.ChoiceField(
        label=_("Act type"), required=False, choices=ANY + choices(ACT_TYPE_LABELS)
    )
    date_from = forms.DateField(label=_("Created from"), required=False)
    date_to = forms.DateField(label=_("Created to"), required=False)
    q = forms.CharField(label=_("Case number or title"), required=False, max_length=100)

    KEYS = ("division", "agency", "sector", "state", "procedure", "act_type",
            "date_from", "date_to", "q")

    def filters(self) -> dict[str, Any]:
        """The valid filters, for `case_list_for`; invalid fields are dropped."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        out: dict[str, Any] = {}
        for key in self.KEYS:
            value = cleaned.get(key)
            if key in self.errors or value in (None, ""):
                continue
            out[key] = value.strip() if isinstance(value, str) else value
        return {k: v for k, v in out.items() if v not in (None, "")}


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        number = getattr(obj, "certificate_number", "")
        return f"{obj.name}（{number}）" if number else obj.name


class CaseCreateForm(forms.Form):
    """Open a case (线索登记) for the acting agency: party, authority item, officers."""

    title = forms.CharField(label=_("Case title"), max_length=200)
    act_type = forms.ChoiceField(
        label=_("Act type"), choices=choices(ACT_TYPE_LABELS), initial="penalty"
    )
    procedure = forms.ChoiceField(
        label=_("Procedure"),
        choices=choices(PROCEDURE_LABELS),
        initial="general",
        widget=forms.RadioSelect,
        help_text=_(
            "Simple procedure only for a warning, or a fine of at most 200 yuan for a citizen "
            "or 3,000 yuan for an organisation (art. 51)."
        ),
    )
    source = forms.ChoiceField(label=_("Clue source"), choices=SOURCE_CHOICES, required=False)
    authority_item = forms.ModelChoiceField(
        label=_("Authority item"),
        queryset=None,  # type: ignore[arg-type]  # set in __init__: the agency's own list
        required=False,
        help_text=_("Only items of your agency's authority list can be chosen."),
    )
    officers = OfficerChoiceField(
        label=_("Officers"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Officers of your agency holding a valid enforcement certificate; "
                    "investigation needs at least two (arts. 42, 55)."),
    )
    party_kind = forms.ChoiceField(
        label=_("Party"),
        choices=[("", _("Not known yet")), *choices(PARTY_KIND_LABELS)],
        required=False,
        widget=forms.RadioSelect,
    )
    party_name = forms.CharField(label=_("Party name"), max_length=128, required=False)
    party_id_number = forms.CharField(
        label=_("Resident ID number or unified social credit code"),
        max_length=18,
        required=False,
    )
    party_address = forms.CharField(label=_("Party address"), max_length=256, required=False)
    party_phone = forms.CharField(label=_("Party phone"), max_length=32, required=False)
    party_legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=64, required=False
    )
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}),
                            required=False)
    place = forms.CharField(label=_("Place"), max_length=256, required=False)
    act_started_on = forms.DateField(
        label=_("Act started on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    act_ended_on = forms.DateField(
        label=_("Act ended on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    discovered_on = forms.DateField(
        label=_("Discovered on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, items: QuerySet, officers: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority_item"].queryset = items
        self.fields["officers"].queryset = officers

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("party_kind"):
            if not data.get("party_name"):
                self.add_error("party_name", _("Give the party's name."))
            if not data.get("party_id_number"):
                self.add_error(
                    "party_id_number",
                    _("Give the resident ID number (citizen) or the unified social credit code "
                      "(organisation)."),
                )
        started, ended = data.get("act_started_on"), data.get("act_ended_on")
        if started and ended and ended < started:
            self.add_error("act_ended_on", _("The act cannot end before it started."))
        return data

    def party_kwargs(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d.get("party_kind"):
            return None
        kwargs = {
            "kind": d["party_kind"],
            "name": d["party_name"],
            "id_number": d["party_id_number"].strip().upper(),
            "address": d.get("party_address") or "",
            "phone": d.get("party_phone") or "",
        }
        if d["party_kind"] == PartyKind.ORGANISATION:
            kwargs["legal_representative"] = d.get("party_legal_representative") or ""
        return kwargs


def _datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        **kwargs,
    )


def _leaders(case: Any) -> QuerySet:
    """Heads of the case's agency who may approve a coercive measure (《行政强制法》第十八条)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            agency_id=getattr(case, "agency_id", None),
            role_assignments__role="agency_leader",
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}), **kwargs
    )


class TransitionForm(forms.Form):
    """Facts of one step (art. 47: who, when, where, what it produced) and what the step needs:
    the intended penalty for the prior notice (art. 44) and the decision (art. 59, discretion
    per rulebook §10), waivers (art. 62), hearing dates (art. 64), the way of service (art. 61).
    The services check every guard; this form only shapes the input."""

    place = forms.CharField(label=_("Place"), max_length=256, required=False)
    officers = OfficerChoiceField(
        label=_("Officers on this step"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for the case's officers."),
    )
    documents = forms.CharField(
        label=_("Documents produced"),
        required=False,
        max_length=1000,
        help_text=_("One per line, e.g. 询问笔录, 现场检查笔录."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    av_recorded = forms.BooleanField(label=_("Audio-visual record attached"), required=False)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    PROPOSAL_STATES = (CaseState.NOTIFIED, CaseState.DECIDED)
    WAIVER_STATES = (CaseState.NOTIFIED, CaseState.STATEMENT, CaseState.DISCUSSION,
                     CaseState.DECIDED)
    NOTE_REQUIRED = (CaseState.NOT_FILED, CaseState.TERMINATED)

    def __init__(self, *args: Any, to: str, officers: QuerySet, case: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.to = to
        self.fields["officers"].queryset = officers
        if to in self.NOTE_REQUIRED:
            self.fields["note"].label = _("Reason")
            self.fields["note"].required = True
        coercion = getattr(case, "act_type", "") == ActType.COERCION
        if to in self.PROPOSAL_STATES and not coercion:
            self._add_proposal_fields(case)
        if coercion and to == CaseState.DECIDED:
            self._add_measure_fields()
        if coercion and to in (CaseState.DECIDED, CaseState.SERVED):
            self._add_approval_fields(case)
        if to == CaseState.EXECUTING or (
            to == CaseState.CLOSED and getattr(case, "state", "") == CaseState.EXECUTING
        ):
            self.fields["coercive_execution"] = forms.BooleanField(
                label=_("This step carries out coercive execution"), required=False,
                help_text=_("Not at night (22:00–06:00) or on a holiday unless urgent "
                            "(《行政强制法》第四十三条)."),
            )
            self.fields["execution_emergency"] = forms.BooleanField(
                label=_("The situation is urgent"), required=False,
            )
        if to in self.WAIVER_STATES:
            self.fields["statement_waived"] = forms.BooleanField(
                label=_("The party expressly waived statement and defence (art. 62)"),
                required=False, initial=getattr(case, "statement_waived", False),
            )
            self.fields["hearing_waived"] = forms.BooleanField(
                label=_("The party waived the hearing (art. 64)"),
                required=False, initial=getattr(case, "hearing_waived", False),
            )
        if to == CaseState.HEARING:
            self.fields["hearing_requested_on"] = _date_field(
                _("Hearing requested on"), help_text=_("Within 5 working days of the notice "
                                                       "(art. 64 (1)).")
            )
            self.fields["hearing_notice_on"] = _date_field(
                _("Hearing notice served on"),
                help_text=_("At least 7 working days before the hearing (art. 64 (2))."),
            )
            self.fields["hearing_on"] = _date_field(_("Hearing held on"))
        if to == CaseState.SERVED:
            self.fields["service_method"] = forms.ChoiceField(
                label=_("Way of service"), choices=SERVICE_METHOD_CHOICES, required=False,
                initial="on_the_spot" if getattr(case, "procedure", "") == "simple" else "direct",
            )
            self.fields["served_on"] = _date_field(_("Served on"))
            self.fields["electronic_consent"] = forms.BooleanField(
                label=_("The party signed consent to electronic service (art. 61 ¶2)"),
                required=False,
            )
        if getattr(case, "act_type", "") == ActType.COERCION:
            self.fields["on_site_coercion"] = forms.BooleanField(
                label=_("A coercive measure was taken on site (audio-visual record required)"),
                required=False,
            )

    def _add_measure_fields(self) -> None:
        self.fields["measure_kind"] = forms.ChoiceField(
            label=_("Coercive measure"), choices=choices(MEASURE_KIND_LABELS),
        )
        self.fields["measure_started_at"] = _datetime_field(
            _("Measure started at"), help_text=_("Left empty: the time of this step.")
        )
        self.fields["measure_ends_on"] = _date_field(
            _("Last day of the measure"),
            help_text=_("Sealing or seizure at most 30 days; longer only with an extension "
                        "approved by the head (《行政强制法》第二十五条)."),
        )
        self.fields["measure_emergency"] = forms.BooleanField(
            label=_("Taken on the spot in an emergency (report to the head within 24 hours)"),
            required=False,
        )

    def _add_approval_fields(self, case: Any) -> None:
        self.fields["measure_approved_by"] = forms.ModelChoiceField(
            label=_("Approved by (head of the organ)"), queryset=_leaders(case), required=False,
            help_text=_("Prior approval (《行政强制法》第十八条), or the approval on the report "
                        "of an emergency measure (第十九条)."),
        )
        self.fields["measure_approved_at"] = _datetime_field(_("Approved at"))

    def _add_proposal_fields(self, case: Any) -> None:
        stored = case.circumstances if case is not None and case.circumstances else {}
        self.fields["circumstances"] = forms.MultipleChoiceField(
            label=_("Findings"),
            choices=CIRCUMSTANCE_CHOICES,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=[k for k, v in stored.items() if v],
            help_text=_("What the investigation established; the no-penalty order and the "
                        "tiers are checked on these (rulebook §10.3)."),
        )
        self.fields["no_penalty_ground"] = forms.ChoiceField(
            label=_("Ground for no penalty"),
            choices=NO_PENALTY_CHOICES,
            required=False,
            initial=getattr(case, "no_penalty_ground", ""),
            help_text=_("Checked in this order before any tier (art. 33; rulebook §10.3)."),
        )
        self.fields["penalty_types"] = forms.MultipleChoiceField(
            label=_("Penalty types"),
            choices=choices(PENALTY_TYPE_LABELS),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=list(getattr(case, "penalty_types", None) or []),
        )
        self.fields["fine_amount"] = forms.DecimalField(
            label=_("Fine (yuan)"), required=False, min_value=Decimal("0"),
            max_digits=14, decimal_places=2, initial=getattr(case, "fine_amount", None),
        )
        self.fields["fine_base_amount"] = forms.DecimalField(
            label=_("Base of the fine (yuan)"), required=False, min_value=Decimal("0"),
            max_digits=14, decimal_places=2, initial=getattr(case, "fine_base_amount", None),
            help_text=_("Where the statute fines a multiple of a base (货值金额, 违法所得 …)."),
        )
        self.fields["fine_base_evidence"] = forms.CharField(
            label=_("Evidence of the base"), required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            initial=getattr(case, "fine_base_evidence", ""),
        )
        self.fields["confiscation_value"] = forms.DecimalField(
            label=_("Value confiscated (yuan)"), required=False, min_value=Decimal("0"),
            max_digits=14, decimal_places=2, initial=getattr(case, "confiscation_value", None),
        )
        self.fields["tier"] = forms.ChoiceField(
            label=_("Discretion tier"), choices=[("", "—"), *choices(TIER_LABELS)],
            required=False, initial=getattr(case, "tier", ""),
        )
        self.fields["outside_benchmark_reason"] = forms.CharField(
            label=_("Reason for departing from the benchmark"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            initial=getattr(case, "outside_benchmark_reason", ""),
            help_text=_("Required when the penalty is outside the benchmark tier; the case "
                        "then needs legal review."),
        )

    @property
    def has_proposal(self) -> bool:
        return "penalty_types" in self.fields

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_proposal:
            ground = data.get("no_penalty_ground")
            types = data.get("penalty_types") or []
            if not ground and not types:
                self.add_error("penalty_types", _("Choose the penalty types, or a ground for no "
                                                  "penalty."))
            if ground and types:
                self.add_error("penalty_types", _("A no-penalty decision carries no penalty "
                                                  "types."))
            if "fine" in types and data.get("fine_amount") in (None, ""):
                self.add_error("fine_amount", _("Give the fine amount."))
            if data.get("fine_amount") and "fine" not in types:
                self.add_error("penalty_types", _("A fine amount needs the penalty type fine."))
        return data

    def documents_list(self) -> list[str]:
        text = self.cleaned_data.get("documents") or ""
        return [line.strip() for line in text.replace("，", "\n").splitlines() if line.strip()]

    def step_data(self) -> dict[str, Any]:
        """The `data` mapping of `case_transition` for this step (services/cases.py)."""
        d = self.cleaned_data
        out: dict[str, Any] = {}
        if self.has_proposal:
            chosen = set(d.get("circumstances") or [])
            out.update({flag: flag in chosen for flag, _label in CIRCUMSTANCE_CHOICES})
            out.update({
                "penalty_types": list(d.get("penalty_types") or []),
                "fine_amount": d.get("fine_amount"),
                "confiscation_value": d.get("confiscation_value"),
                "tier": d.get("tier") or "",
                "outside_benchmark_reason": (d.get("outside_benchmark_reason") or "").strip(),
                "no_penalty_ground": d.get("no_penalty_ground") or "",
                "fine_base_amount": d.get("fine_base_amount"),
                "fine_base_evidence": (d.get("fine_base_evidence") or "").strip(),
            })
        if "measure_kind" in self.fields:
            out.update({
                "measure_kind": d.get("measure_kind") or "",
                "measure_started_at": d.get("measure_started_at"),
                "measure_ends_on": d.get("measure_ends_on"),
                "measure_emergency": bool(d.get("measure_emergency")),
            })
        if d.get("measure_approved_by") is not None:
            out["measure_approved_by"] = d["measure_approved_by"].pk
            out["measure_approved_at"] = d.get("measure_approved_at")
        for flag in ("statement_waived", "hearing_waived", "electronic_consent",
                     "on_site_coercion", "coercive_execution", "execution_emergency"):
            if flag in self.fields:
                out[flag] = bool(d.get(flag))
        for name in ("hearing_requested_on", "hearing_notice_on", "hearing_on", "served_on"):
            if d.get(name):
                out[name] = d[name]
        if d.get("service_method"):
            out["service_method"] = d["service_method"]
        return out


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class LegalReviewRequestForm(forms.Form):
    """Send the case to a legal reviewer (art. 58; the reviewer is not an investigator)."""

    reviewer = ReviewerChoiceField(label=_("Legal reviewer"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, reviewers: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers


class LegalReviewRecordForm(forms.Form):
    """The reviewer's written opinion (rulebook §2.3): agree, or the problems found."""

    result = forms.ChoiceField(
        label=_("Result"), choices=choices(REVIEW_RESULT_LABELS), widget=forms.RadioSelect
    )
    opinion = forms.CharField(
        label=_("Written opinion"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class ExtensionForm(forms.Form):
    """An approved extension of the decision deadline (art. 60 "unless a law, regulation or rule
    says otherwise"; sector practice e.g. +30 days with the head's approval)."""

    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365)
    reason = forms.CharField(
        label=_("Reason and approval"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(_("Give the reason for the extension."))
        return reason


class RevokeDecisionForm(forms.Form):
    """Why the decision is revoked or changed: a reconsideration or court decision, or the agency
    correcting itself (《行政处罚法》第四十八条第二款: the disclosed decision is then withdrawn
    within 3 working days). The service checks the case is decided and records the step."""

    reason = forms.CharField(
        label=_("Reason for revoking or changing the decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Name the decision that revoked or changed it (reconsideration decision, judgment, "
            "the agency's own correction) and its number."
        ),
        error_messages={
            "required": _("Give the reason for revoking the decision (《行政处罚法》第四十八条).")
        },
    )
