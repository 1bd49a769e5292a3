"""Every audit action code this app writes is declared (and so registered with its label)."""

from __future__ import annotations

import re
from pathlib import Path

from fazhi.accounts.audit_actions import ACTIONS

APP = Path(__file__).resolve().parent.parent


def test_every_written_action_is_declared() -> None:
    written = set()
    for source in APP.rglob("*.py"):
        if "tests" in source.parts:
            continue
        text = source.read_text()
        written |= set(re.findall(r'action="([a-z_.]+)"', text))
        written |= set(re.findall(r'"(auth\.[a-z_]+)"', text))
    assert written, "no action codes found: the scan is broken"
    assert written - set(ACTIONS) == set()


def test_codes_are_namespaced() -> None:
    assert all(code.split(".")[0] in {"accounts", "auth"} for code in ACTIONS)


def test_every_declared_action_is_registered_with_the_audit_registry() -> None:
    from fazhi.audit.actions import is_registered

    assert [code for code in ACTIONS if not is_registered(code)] == []
