"""Charts of an incident's metrics, posted in its war room (issue 15).

Placeholder: the charts work replaces this module's body; callers keep its signature.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.flows.deps import Deps


async def post_charts(
    deps: Deps,
    incident_id: int,
    metrics: Sequence[str],
    *,
    comment: str,
    thread_ts: str | None = None,
) -> None:
    """Upload one PNG chart per metric in `metrics` to the incident's war room (files upload
    v2), in one message with `comment`, threaded under `thread_ts` when given. A failure is
    logged, never raised: the chart is an addition to a message that was already posted."""
    return None
