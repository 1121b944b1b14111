"""Bot actions read back from the record: the decisions log, status history and updates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from app.approvals.models import Decision as DecisionKind
from app.metrics.values import shown
from app.record.export.model import Act, Decision, Event, Wording

VERBS = {decision.value: decision.past for decision in DecisionKind}


Phrase = Callable[[dict[str, Any], Mapping[str, str]], str]


def _people(users: Any, names: Mapping[str, str]) -> str:
    listed = users if isinstance(users, list) else [users] if users else []
    return ", ".join(names.get(str(u), str(u)) for u in listed) or "nobody"


def _minutes(seconds: Any) -> str:
    if not seconds:
        return "off (paused)"
    minutes, rest = divmod(int(seconds), 60)
    return f"every {minutes} minutes" if not rest else f"every {int(seconds)} seconds"


def _point(detail: dict[str, Any]) -> str:
    """ "recorded views = 2.7M from tiktok, measured 2026-11-21T14:05:00+00:00"."""
    value = shown(float(detail.get("value") or 0), str(detail.get("unit") or ""))
    source = f" from {detail.get('source')}" if detail.get("source") else ""
    return (
        f"recorded {detail.get('metric')} = {value}{source}, measured {detail.get('measured_at')}"
    )


PHRASES: dict[str, Phrase] = {
    "incident.open": lambda d, n: (
        f"opened the incident “{d.get('title')}” ({d.get('severity')}, {d.get('kind')})"
    ),
    "incident.status": lambda d, n: (
        f"changed the status from {d.get('previous_status')} to {d.get('status')}"
    ),
    "incident.resolve": lambda d, n: "resolved the incident",
    "incident.reopen": lambda d, n: "reopened the incident",
    "action.propose": lambda d, n: (
        f"proposed A-{d.get('action_id')} “{d.get('title')}” ({d.get('category')}); "
        f"approvers: {', '.join(d.get('required_roles') or []) or 'nobody'}"
    ),
    "action.revise": lambda d, n: (
        f"revised A-{d.get('action_id')} to revision {d.get('revision')}: “{d.get('title')}”"
    ),
    "action.decide": lambda d, n: (
        f"{VERBS.get(str(d.get('decision')), str(d.get('decision')))} A-{d.get('action_id')} "
        f"(revision {d.get('revision')}) as {d.get('role')}"
    ),
    "action.done": lambda d, n: f"marked A-{d.get('action_id')} done",
    "role.add": lambda d, n: f"gave the {d.get('role')} role to {_people(d.get('users'), n)}",
    "role.remove": lambda d, n: f"took the {d.get('role')} role from {_people(d.get('users'), n)}",
    "update.post": lambda d, n: f"posted a stakeholder update (status {d.get('status')})",
    "update.nudge": lambda d, n: f"reminded {_people(d.get('recipient'), n)} that an update is due",
    "update.escalate": lambda d, n: (
        f"escalated the overdue update to {_people(d.get('recipient'), n)}"
    ),
    "cadence.change": lambda d, n: f"set stakeholder updates {_minutes(d.get('seconds'))}",
    "metric.recorded": lambda d, n: _point(d),
    "metric.alert": lambda d, n: f"alerted: {d.get('fired') or d.get('rule')}",
    "record.export": lambda d, n: (
        f"exported the record as {d.get('format')}: {d.get('entries')} entries, "
        f"final hash {d.get('final_hash')}"
    ),
}
REMINDERS = {"update.nudge", "update.escalate"}


def summary(act: Act, names: Mapping[str, str]) -> str:
    """One sentence for a bot action, as the transcript and the logs show it."""
    phrase = PHRASES.get(act.action)
    if phrase is not None:
        try:
            return phrase(act.detail, names)
        except (TypeError, ValueError):
            pass  # a detail of an unexpected shape: say it plainly below
    return f"{act.action}" + (f": {flatten(act.detail)}" if act.detail else "")


def why(act: Act) -> str:
    detail = act.detail
    return str(detail.get("reason") or detail.get("note") or "")


def flatten(detail: Mapping[str, Any]) -> str:
    parts = []
    for key, value in detail.items():
        if value in (None, "", [], {}):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


def name(act: Act, names: Mapping[str, str]) -> str:
    return names.get(act.user_id) or act.user_id


def status_history(acts: Iterable[Act], names: Mapping[str, str]) -> list[Event]:
    return [
        Event(act.when, name(act, names), summary(act, names), why(act))
        for act in acts
        if act.action.startswith("incident.")
    ]


def updates(acts: Iterable[Act], names: Mapping[str, str]) -> list[Event]:
    return [
        Event(act.when, name(act, names), act.action.removeprefix("update."), flatten(act.detail))
        for act in acts
        if act.action.startswith("update.") and act.action not in REMINDERS
    ]


def decisions(acts: Iterable[Act], names: Mapping[str, str]) -> list[Decision]:
    """Each proposed action with every wording and every decision, in the order they came."""
    found: dict[Any, Decision] = {}
    for act in acts:
        if not act.action.startswith("action."):
            continue
        d, who = act.detail, name(act, names)
        decision = found.get(d.get("action_id"))
        if decision is None:
            decision = found.setdefault(d.get("action_id"), _new(act, who))
        if act.action in {"action.propose", "action.revise"}:
            decision.wordings.append(
                Wording(
                    int(d.get("revision") or 1),
                    act.when,
                    who,
                    str(d.get("title") or ""),
                    str(d.get("details") or ""),
                )
            )
            decision.title = str(d.get("title") or decision.title)
        decision.events.append(Event(act.when, who, summary(act, names), why(act)))
        decision.state = _state(act, decision.state)
    return list(found.values())


def _new(act: Act, who: str) -> Decision:
    d = act.detail
    return Decision(
        ref=f"A-{d.get('action_id')}",
        title=str(d.get("title") or ""),
        category=str(d.get("category") or ""),
        proposer=who,
        required_roles=list(d.get("required_roles") or []),
    )


def _state(act: Act, current: str) -> str:
    if act.action == "action.done":
        return "done"
    if act.action == "action.revise":
        return "pending"
    return str(act.detail.get("state") or current)
