"""The chaos run's figures, the time each fault took to recover from, and the printed table."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field

from _chaos_audit import Lost
from _chaos_cluster import Started
from _chaos_people import People
from _chaos_reminders import Verdict
from _chaos_run import Marks, Plan
from _chaos_stream import CallClock, Delivery

from app.slackdouble import SlackDouble

SHOWN = 6  # examples printed for each figure that is not 0


@dataclass
class Figures:
    started: Started
    marks: Marks
    plan: Plan
    people: People
    settled: float
    lost: Lost = field(default_factory=Lost)
    record_duplicates: list[str] = field(default_factory=list)
    card_duplicates: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    reminders: Verdict = field(default_factory=Verdict)
    recovery: list[tuple[str, str]] = field(default_factory=list)
    actions: Counter[str] = field(default_factory=Counter)
    died: list[str] = field(default_factory=list)
    restart_exits: list[str] = field(default_factory=list)
    deliveries: int = 0
    statuses: Counter[str] = field(default_factory=Counter)  # event attempts by HTTP status
    faulted: Counter[str] = field(default_factory=Counter)  # Slack calls a fault answered
    minutes: float = 0.0
    timeline: str = ""

    @property
    def duplicated(self) -> int:
        reminders = len(self.reminders.duplicated)
        return len(self.record_duplicates) + len(self.card_duplicates) + reminders


def _after(times: list[float], moment: float) -> str:
    later = [t for t in times if t > moment]
    return f"{min(later) - moment:.1f} s" if later else "never"


def recovery(
    marks: Marks,
    deliveries: list[Delivery],
    double: SlackDouble,
    clock: CallClock,
    writes: list[float],
) -> list[tuple[str, str]]:
    """From the end of each fault to the first success after it."""
    acks = sorted(t for d in deliveries for t, status in d.attempts if status == 200)
    rows = []
    for window in marks.windows:
        if window.name.startswith("replica"):
            text = (
                f"restarted, /healthz 200 after {marks.restart_seconds:.1f} s; "
                f"first event acked after the kill: {_after(acks, window.start)}"
            )
        elif window.name == "database cut":
            text = (
                f"first event acked after the door opened: {_after(acks, window.end)}; "
                f"first record write: {_after(writes, window.end)}"
            )
        else:
            method = window.name.rsplit(" ", 1)[-1]
            text = f"first {method} answered ok after the window: " + _after(
                _successes(double, clock, method), window.end
            )
        rows.append((f"{window.name} ({window.end - window.start:.1f} s)", text))
    return rows


def answers_over_time(deliveries: list[Delivery], start: float, step: float = 5.0) -> str:
    """Event delivery attempts per `step` seconds of the phase: answered 200 / not."""
    buckets: dict[int, Counter[bool]] = {}
    for delivery in deliveries:
        for moment, status in delivery.attempts:
            if moment >= start:
                buckets.setdefault(int((moment - start) // step), Counter())[status == 200] += 1
    return "  ".join(f"+{n * step:.0f}s {c[True]}/{c[False]}" for n, c in sorted(buckets.items()))


def _successes(double: SlackDouble, clock: CallClock, method: str) -> list[float]:
    calls = double.calls[: len(clock.times)]
    return [
        clock.times[n]
        for n, call in enumerate(calls)
        if call.method == method and call.ok and call.fault is None
    ]


def _line(label: str, value: int, detail: str = "") -> None:
    verdict = "ok" if value == 0 else "WRONG"
    print(f"  {label:<22}{value:>8}   must be 0: {verdict:<6}{detail}")


def _examples(items: list[str]) -> None:
    for item in items[:SHOWN]:
        print(f"      {item}")
    if len(items) > SHOWN:
        print(f"      …and {len(items) - SHOWN} more")


def show(figures: Figures) -> int:
    """Print the table; 1 when any of lost / duplicated / stale / late is not 0."""
    _context(figures)
    lost = figures.lost
    print("\nWhat must be 0")
    who = ", ".join(f"{k} {v}" for k, v in sorted(lost.lost.items())) or "none"
    _line("lost events", lost.total, f"({who}; {lost.checked:,} recorded events checked)")
    _examples(lost.examples)
    reminders = figures.reminders
    parts = (
        f"(record {len(figures.record_duplicates)}, reminders {len(reminders.duplicated)}, "
        f"card posts {len(figures.card_duplicates)})"
    )
    _line("duplicated", figures.duplicated, parts)
    _examples(figures.record_duplicates + reminders.duplicated + figures.card_duplicates)
    _line("stale card copies", len(figures.stale), f"({sum(figures.actions.values())} actions)")
    _examples(figures.stale)
    late = f"({reminders.missing} never arrived; {reminders.periods} periods, "
    late += f"{reminders.nudges} nudges; worst {reminders.worst_late:.1f} s past its deadline)"
    _line("late reminders", len(reminders.late), late)
    _examples(reminders.late)
    print("\nTime to recover (from the end of each fault to the first success after it)")
    for name, text in figures.recovery:
        print(f"  {name:<38}{text}")
    print(f"\nsettled in {figures.settled:.1f} s; the run took {figures.minutes:.1f} min")
    wrong = lost.total + figures.duplicated + len(figures.stale) + len(reminders.late)
    if wrong:
        print("WRONG: see the figures above", file=sys.stderr)
    return 1 if wrong else 0


def _context(figures: Figures) -> None:
    started, lost, people = figures.started, figures.lost, figures.people
    together = "all up" if not started.crashed else f"CRASHED: {'; '.join(started.crashed)}"
    print(f"\nreplicas started together on the empty database: {together}", end="")
    print(f" ({started.seconds:.1f} s)")
    if figures.restart_exits:
        exits = "; ".join(figures.restart_exits[:3])
        print(f"restart attempts that exited during start: {len(figures.restart_exits)} ({exits})")
    if figures.died:
        print(f"replicas that died on their own: {', '.join(figures.died)}")
    print(f"events delivered: {figures.deliveries:,} ({lost.acked:,} acked, ", end="")
    print(f"{lost.gave_up:,} given up after Slack's retries, {lost.in_flight} still in flight)")
    answers = ", ".join(f"{k} {v:,}" for k, v in sorted(figures.statuses.items()))
    print(f"  delivery attempts by answer (0: none within Slack's 3 s): {answers}")
    print(f"  attempts from the phase's start, 200 / other, per 5 s: {figures.timeline}")
    faulted = ", ".join(f"{k} {v}" for k, v in sorted(figures.faulted.items()))
    print(f"Slack calls answered with a fault: {faulted or 'none (the faults hit no call!)'}")
    done = ", ".join(f"{k} {v}" for k, v in sorted(people.done.items()))
    print(f"people: {done or 'nothing got through'}")
    if +people.refused:
        refused = ", ".join(f"{k} {v}" for k, v in sorted(people.refused.items()) if v)
        print(f"  refused or unanswered: {refused}")
    states = ", ".join(f"{k} {v}" for k, v in sorted(figures.actions.items()))
    print(f"actions: {states}")
    marks = figures.marks
    share = marks.bench_cpu / max(0.001, marks.phase_end - marks.phase_start)
    print(f"bench process (double, balancer, database door) CPU in the phase: {share:.0%}", end="")
    print(" of one core (near 100 %: the bench, not the bot, is the bottleneck)")
    for window in figures.marks.windows:
        start = window.start - figures.marks.phase_start
        lasted = window.end - window.start
        print(f"  fault: {window.name} at +{start:.1f} s for {lasted:.1f} s", end="")
        print(" (kill to healthy again)" if window.name.startswith("replica") else "")
