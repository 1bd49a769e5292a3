"""Forms of the registry pages: certificate steps, subjects and the Excel upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fazhi.enforcement.models.registry import EnforcementSubject
from fazhi.enforcement.services.registry import TRAINING_FIRST_YEAR, TRAINING_HOURS_MAX
from fazhi.orgs.models import Sector

#: The steps a certificate page offers (the table in rules/certificates.py decides legality).
CERTIFICATE_ACTIONS = (
    "pass_exam",
    "issue",
    "activate",
    "suspend",
    "reinstate",
    "revoke",
    "cancel",
)
#: Steps whose grounds are required (services._require_reason).
REASON_REQUIRED = frozenset({"suspend", "reinstate", "revoke", "cancel"})
#: Largest accepted upload (a 127,000-officer list is about 8 MB).
MAX_UPLOAD_BYTES = 30 * 1024 * 1024


class CertificateApplyForm(forms.Form):
    sector = forms.ModelChoiceField(
        label=_("Enforcement domain"), queryset=Sector.objects.order_by("code")
    )
    area = forms.CharField(label=_("Enforcement area"), max_length=128, required=False)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=128, required=False)
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


class CertificateActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in CERTIFICATE_ACTIONS])
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea({"rows": 2}))
    number = forms.CharField(label=_("Certificate number"), max_length=32, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False)
    expires_on = forms.DateField(label=_("Expires on"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action")
        if action in REASON_REQUIRED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the grounds for this step."))
        if action == "issue":
            if not (data.get("number") or "").strip():
                self.add_error("number", _("An issued certificate needs a number."))
            if not data.get("issued_on"):
                self.add_error("issued_on", _("Give the date of issue."))
        return data


class SubjectForm(forms.ModelForm):
    basis_provisions = forms.CharField(
        label=_("Provisions cited"),
        required=False,
        help_text=_("Provision keys of the legal library, separated by semicolons."),
    )

    class Meta:
        model = EnforcementSubject
        fields = ["qualification_basis", "basis_provisions", "domain", "area",
                  "entrustment_document"]
        widgets = {"qualification_basis": forms.Textarea({"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["basis_provisions"] = "; ".join(self.instance.basis_provisions or [])


class SubjectCreateForm(SubjectForm):
    """Register an agency of the tree (in the user's scope, not yet a subject) as a subject."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)

    class Meta(SubjectForm.Meta):
        fields = ["agency", *SubjectForm.Meta.fields]

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The workbook is larger than 30 MB."))
        return upload


# The bounds of a training record are the service's (services.registry.training_record checks
# them too, for the API); the form repeats the checks to show them next to the fields.


class TrainingRecordForm(forms.Form):
    """Hours of in-service training an officer completed (≥ 60 a year, national outline
    2021–2025 [P]; rulebook §8). Checks what a form can know; services.registry.training_record
    writes it with its audit entry."""

    year = forms.IntegerField(
        label=_("Year"),
        error_messages={"required": _("Give the year of the training.")},
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=1,
        error_messages={"required": _("Give the training hours.")},
    )
    course = forms.CharField(
        label=_("Course"),
        max_length=200,
        error_messages={"required": _("Name the course or training.")},
    )

    def __init__(self, *args: Any, this_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.this_year = this_year
        self.fields["year"].initial = this_year
        self.fields["year"].widget.attrs.update({"min": TRAINING_FIRST_YEAR, "max": this_year})
        self.fields["hours"].widget.attrs.update(
            {"min": "0.5", "max": TRAINING_HOURS_MAX, "step": "0.5"}
        )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > self.this_year:
            raise forms.ValidationError(
                _("Training cannot be recorded for a future year (this year is %(year)s)."),
                params={"year": self.this_year},
            )
        if year < TRAINING_FIRST_YEAR:
            raise forms.ValidationError(
                _("Give a year from %(year)s on."), params={"year": TRAINING_FIRST_YEAR}
            )
        return year

    def clean_hours(self) -> Decimal:
        hours = self.cleaned_data["hours"]
        if hours <= 0:
            raise forms.ValidationError(_("Training hours must be more than zero."))
        if hours > TRAINING_HOURS_MAX:
            raise forms.ValidationError(
                _("At most %(max)s hours in one record; split a longer programme by course."),
                params={"max": TRAINING_HOURS_MAX},
            )
        return hours
