"""Enumerate every URL pattern of a URLconf and build a concrete path for it.

Used by the deny-by-default test (test_public_allowlist) and the scope walk (test_scope_walk):
both find routes from the resolver, so a new view or API route is covered without editing a list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
)
from django.urls.exceptions import Resolver404
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

SAMPLE_BY_CONVERTER: dict[type, str] = {
    IntConverter: "1",
    SlugConverter: "sample",
    StringConverter: "sample",
    PathConverter: "sample",
    UUIDConverter: "00000000-0000-4000-8000-000000000000",
}
SAMPLE_BY_NAME = {"format": "json"}
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Route:
    """One URL pattern with its full prefix, namespace, parameters and view callback."""

    name: str  # "namespace:name", or "" when the pattern has no name
    parts: list[Any]  # the pattern objects from the root down
    callback: Callable[..., Any]
    params: dict[str, str] = field(default_factory=dict)  # name → converter kind

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    @property
    def label(self) -> str:
        return self.name or "".join(str(p) for p in self.parts)

    @property
    def object_params(self) -> list[str]:
        """Parameters that identify something (everything but a DRF format suffix)."""
        return [p for p in self.params if p != "format"]

    def view_class(self) -> type | None:
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)

    def model(self) -> type | None:
        """The model a class-based view or DRF view declares, if it declares one."""
        cls = self.view_class()
        if cls is None:
            return None
        model = getattr(cls, "model", None)
        if model is None and getattr(cls, "queryset", None) is not None:
            model = cls.queryset.model
        return model

    def path(self, values: Mapping[str, str] | None = None) -> str:
        values = {**self.samples(), **(values or {})}
        return "/" + "".join(_render(part, values) for part in self.parts)

    def samples(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in self.parts:
            out.update(_part_samples(part))
        return out

    def resolves(self, path: str, urlconf: str | None = None) -> bool:
        try:
            match = resolve(path, urlconf)
        except Resolver404:
            return False
        return match.func is self.callback


def _part_samples(part: Any) -> dict[str, str]:
    if isinstance(part, RoutePattern):
        return {
            name: SAMPLE_BY_NAME.get(name, SAMPLE_BY_CONVERTER.get(type(conv), "sample"))
            for name, conv in part.converters.items()
        }
    if isinstance(part, RegexPattern):
        out = {}
        for name, body in _regex_groups(part._regex):
            alternatives = body.split("|")
            if all(re.fullmatch(r"[\w-]+", a) for a in alternatives):
                out[name] = alternatives[0]  # e.g. admin's (?P<app_label>auth|accounts)
            else:
                out[name] = SAMPLE_BY_NAME.get(name, "1")
        return out
    return {}


def _param_kinds(part: Any) -> dict[str, str]:
    if isinstance(part, RoutePattern):
        return {name: type(conv).__name__ for name, conv in part.converters.items()}
    if isinstance(part, RegexPattern):
        return {name: "regex" for name, _ in _regex_groups(part._regex)}
    return {}


def _regex_groups(regex: str) -> list[tuple[str, str]]:
    groups = []
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        end = _group_end(regex, match.start())
        groups.append((match.group(1), regex[match.end() : end]))
    return groups


def _group_end(regex: str, start: int) -> int:
    """Index of the ")" closing the group that opens at `start`."""
    depth, i = 0, start
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced group in {regex!r}")


def _render(part: Any, values: Mapping[str, str]) -> str:
    if isinstance(part, LocalePrefixPattern):
        return part.language_prefix
    if isinstance(part, RoutePattern):
        return _ROUTE_PARAM.sub(lambda m: values[m.group("name")], str(part._route))
    if isinstance(part, RegexPattern):
        return _render_regex(part._regex, values)
    raise TypeError(f"unknown pattern type {type(part).__name__}")


def _render_regex(regex: str, values: Mapping[str, str]) -> str:
    """A concrete string matched by a simple URL regex (anchors, escapes, named groups)."""
    out, i = [], 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            name = regex[i + 4 : regex.index(">", i)]
            out.append(values[name])
            i = _group_end(regex, i) + 1
            if i < len(regex) and regex[i] in "?*+":
                i += 1
        elif regex.startswith("(?:", i):
            i += 3
        elif regex[i] == "\\":
            if regex[i + 1] not in "AZz":
                out.append(regex[i + 1])
            i += 2
        elif regex[i] in "^$()?":
            i += 1
        else:
            out.append(regex[i])
            i += 1
    return "".join(out)


def routes(urlconf: str | None = None) -> list[Route]:
    """Every URL pattern reachable from the root URLconf, depth first."""
    found: list[Route] = []

    def walk(patterns: list[Any], parts: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, [*parts, entry.pattern], ns)
            elif isinstance(entry, URLPattern):
                name = ""
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                route_parts = [*parts, entry.pattern]
                params: dict[str, str] = {}
                for part in route_parts:
                    params.update(_param_kinds(part))
                found.append(Route(name, route_parts, entry.callback, params))

    walk(get_resolver(urlconf).url_patterns, [], "")
    return found


def route_path(route: Route, urlconf: str | None = None, **values: str) -> str:
    """The concrete path; raise AssertionError when it does not resolve back to the route."""
    path = route.path(values)
    if not route.resolves(path, urlconf):
        raise AssertionError(f"cannot build a URL for {route.label}: {path!r} does not resolve")
    return path
