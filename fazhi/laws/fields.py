"""How other apps cite the law: a foreign key to one provision, and the picker widget its form uses.

A record cites the exact version it relied on (the provision row), so a later amendment never
rewrites what a decision was based on; `fazhi.laws.selectors.citation_counts` still counts the
citation under the provision's stable key across versions.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db import models
from django.urls import reverse

PROVISION_MODEL = "laws.Provision"
# Form field names and ids the picker echoes back (form prefixes add "-", formsets digits).
WIDGET_NAME_RE = re.compile(r"^[A-Za-z_][\w\-]{0,99}$")


class ProvisionPickerWidget(forms.Widget):
    """A hidden input holding the provision id, the chosen citation, and a search box whose
    results come from `laws:picker` through htmx; choosing a result asks the server to render this
    widget again with the new value (no script of its own, htmx is loaded by base.html).

    The search box carries `form="<id>-detached"`: it belongs to no form, so neither its text is
    submitted with the citing record nor does Enter in it submit the record's form.
    """

    template_name = "laws/widgets/provision_picker.html"

    class Media:
        css = {"all": ["laws/picker.css"]}

    def __init__(self, attrs: dict[str, Any] | None = None, *, top: int = 8) -> None:
        super().__init__(attrs)
        self.top = top

    def format_value(self, value: Any) -> str:
        if value is None or value == "":
            return ""
        return str(getattr(value, "pk", value))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        from fazhi.laws.selectors import provision_for_widget

        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"]["id"] = widget_id
        chosen = widget["value"]
        widget.update(
            provision=provision_for_widget(chosen) if chosen else None,
            picker_url=reverse("laws:picker"),
            widget_id=widget_id,
            top=self.top,
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name) or None

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # a hidden input cannot be focused to report "required"


class ProvisionForeignKey(models.ForeignKey):
    """A foreign key to laws.Provision. PROTECT by default: a cited provision is never deleted
    under the record that relied on it. Its form field uses ProvisionPickerWidget."""

    def __init__(self, verbose_name: Any = None, **kwargs: Any) -> None:
        to = kwargs.pop("to", PROVISION_MODEL)
        if str(to).lower() != PROVISION_MODEL.lower():
            raise ValueError("ProvisionForeignKey always points at laws.Provision")
        kwargs.setdefault("on_delete", models.PROTECT)
        super().__init__(PROVISION_MODEL, verbose_name=verbose_name, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        kwargs.setdefault("widget", ProvisionPickerWidget)
        return super().formfield(**kwargs)
