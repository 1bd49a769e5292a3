from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fazhi.audit import actions
from fazhi.audit.selectors import EntryFilters

OUTCOMES = [
    ("success", _("Success")),
    ("failure", _("Failure")),
    ("denied", _("Denied")),
    ("error", _("Error")),
]


class EntryFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    target_type = forms.CharField(label=_("Target type"), required=False, max_length=64)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All")), *actions.choices()]
        self.fields["outcome"].choices = [("", _("All")), *OUTCOMES]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> EntryFilters:
        if not self.is_valid():
            return EntryFilters()
        data = self.cleaned_data
        return EntryFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            username=(data.get("username") or "").strip(),
            action=data.get("action") or "",
            outcome=data.get("outcome") or "",
            target_type=(data.get("target_type") or "").strip(),
        )
