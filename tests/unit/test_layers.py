"""Imports run one way. Walks the AST of every module under app/ and checks the layers:

entry points → composition root → listeners → flows → domain packages and Slack adapters → store

A domain package never imports Slack (our adapters, Bolt, slack-sdk) nor anything above it,
and no two packages import each other, directly or round a longer loop.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"

ENTRY = {"app.__main__", "app.cli", "app.serve", "app.web", "app.socket_mode"}
TOOLS = {"app.harness", "app.demo"}  # the demo and the test harness run the whole bot
COMPOSITION = {"app.main", "app.models", "app.store.migrations"}
LISTENERS = {"app.slack.listeners", "app.hooks"}  # thin: check, parse, call a flow
FLOWS = {"app.flows"}
DOMAIN = {
    "app.audit",
    "app.incidents",
    "app.roles",
    "app.approvals",
    "app.updates",
    "app.update_variants",
    "app.record",
    "app.review",
    "app.home",
    "app.outbox",
    "app.library",
    "app.playbooks",
    "app.claims",
    "app.metrics",
    "app.workspaces",
}
ADAPTERS = {"app.slack", "app.requests"}  # Slack out (Web API, Block Kit) and in (HTTP gate)
STORE = {"app.store"}
BASE = {
    "app.errors",
    "app.clock",
    "app.settings",
    "app.locks",
    "app.logs",
    "app.periodic",
    "app.collector",
}
DOUBLE = {"app.slackdouble"}  # the Slack test double stands alone

RANK = {
    **dict.fromkeys(ENTRY | TOOLS, 6),
    **dict.fromkeys(COMPOSITION, 5),
    **dict.fromkeys(LISTENERS, 4),
    **dict.fromkeys(FLOWS, 3),
    **dict.fromkeys(DOMAIN | ADAPTERS, 2),
    **dict.fromkeys(STORE, 1),
    **dict.fromkeys(BASE, 0),
}
SLACK_LIBRARIES = ("slack_bolt", "slack_sdk", "aiohttp")


def package_of(module: str) -> str:
    """The unit the rules speak of: app.X, with a few sub-packages that are layers of their own."""
    for special in ("app.slack.listeners", "app.store.migrations"):
        if module == special or module.startswith(special + "."):
            return special
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:  # `from app.x import y` may name the module app.x.y
                yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def edges() -> set[tuple[str, str, str]]:
    """(importing module, its package, imported package) for imports within app/."""
    known = {name for name, _ in modules()}
    found = set()
    for name, path in modules():
        for target in imports(path):
            if target.startswith("app.") and target in known:
                found.add((name, package_of(name), package_of(target)))
    return found


def test_every_package_has_a_layer() -> None:
    packages = {package_of(name) for name, _ in modules()} - {"app"}
    assert packages - set(RANK) - DOUBLE == set()


def test_imports_only_go_down() -> None:
    upward = [
        f"{module} ({package}) imports {target}"
        for module, package, target in edges()
        if package in RANK and target in RANK and RANK[target] > RANK[package]
    ]
    assert upward == []


def test_domain_packages_know_nothing_of_slack() -> None:
    leaks = []
    for name, path in modules():
        if package_of(name) not in DOMAIN:
            continue
        for target in imports(path):
            outside = target.startswith(SLACK_LIBRARIES)
            if outside or package_of(target) in ADAPTERS | LISTENERS | FLOWS:
                leaks.append(f"{name} imports {target}")
    assert sorted(set(leaks)) == []


def test_the_test_double_imports_nothing_of_the_bot() -> None:
    assert [(m, t) for m, p, t in edges() if p in DOUBLE and t not in DOUBLE] == []


def test_no_import_cycles_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for _, package, target in edges():
        if package != target:
            graph.setdefault(package, set()).add(target)
    assert cycles(graph) == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
