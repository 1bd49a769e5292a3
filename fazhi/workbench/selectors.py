"""What the workbench shows a user: their tasks and alerts.

Sub-platforms contribute tasks and alerts as they are built; until then the lists are empty and
the page says so.
"""

from __future__ import annotations

from typing import Any

from fazhi.accounts.models import ROLE_LABELS


def workbench_for(user: Any) -> dict[str, Any]:
    from fazhi.enforcement.selectors.supervision import workbench_alerts

    assignments = user.role_assignments_cached
    return {
        "roles": [
            {"label": ROLE_LABELS.get(a.role, a.role), "scope": a.get_scope_display(),
             "where": a.agency or a.division or ""}
            for a in assignments
        ],
        "tasks": [],
        "alerts": workbench_alerts(user),
    }
