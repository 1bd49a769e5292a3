"""Who acts for an agency (DESIGN §2: scope is what a user may see, duty is what they may do).

Seeing a case, a document or a disclosure comes from the user's data scope; writing them is the
duty of the agency that holds the case: its officers and leaders. A supervisor whose scope covers
the agency watches and is refused (谁执法谁公示 for disclosures; the case's own staff for its
documents). Pages and API call the same predicate.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

#: The business roles that act for their agency.
ACTING_ROLES = ("officer", "agency_leader")

CASE_DUTY = _("Only officers and leaders of the case's agency may do this.")
DISCLOSURE_DUTY = _(
    "Only officers and leaders of the deciding agency publish or withdraw its decisions."
)


def may_act_for_agency(user: Any, agency_id: int | None) -> bool:
    """True for an officer or leader of the agency `agency_id`."""
    return (
        agency_id is not None
        and getattr(user, "agency_id", None) == agency_id
        and user.has_role(*ACTING_ROLES)
    )


def require_agency_duty(user: Any, agency_id: int | None, message: Any = CASE_DUTY) -> None:
    """Raise PermissionDenied (with `message`) unless `user` acts for the agency `agency_id`."""
    if not may_act_for_agency(user, agency_id):
        raise PermissionDenied(str(message))


def may_revoke_decision(user: Any, case: Any) -> bool:
    """Who records that a case's decision was revoked or changed (《行政处罚法》第四十八条): the
    leader of the case's own agency (a leader whose scope covers other agencies only watches
    theirs). Whether the case is decided is the service's check."""
    return may_act_for_agency(user, case.agency_id) and user.has_role("agency_leader")


def may_extend_measure(user: Any, case: Any) -> bool:
    """Who extends a case's coercive measure: the head of the acting organ approves it
    (《行政强制法》第二十五条), i.e. a leader of the case's own agency — the person
    services.cases.coercion_measure_extend records as the approver."""
    return may_act_for_agency(user, case.agency_id) and user.has_role("agency_leader")
