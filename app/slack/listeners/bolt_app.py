"""Bolt's app as the bot builds it: `CrisisBolt` keeps every function it is given (so a test
can check each asks only for arguments Bolt provides), and `InjectDeps` puts the collaborators
in Bolt's context (listeners declare `deps` as a parameter)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from app.flows.deps import Deps
from app.slack.authorize import GATEWAY


class CrisisBolt(AsyncApp):
    """Bolt's app, keeping each function it is given (listeners, middleware, the error
    handler) in `registered`, so a test can check that each asks only for arguments Bolt
    provides (Bolt passes None for a name it does not know)."""

    def __init__(self, **settings: Any) -> None:
        self.registered: list[Callable[..., Any]] = []
        super().__init__(**settings)

    def middleware(self, *args: Any) -> Any:  # `use` comes here too
        self.registered += [f for f in args if not isinstance(f, AsyncMiddleware)]
        return super().middleware(*args)

    def error(self, func: Any) -> Any:
        self.registered.append(func)
        return super().error(func)

    def action(self, *args: Any, **kwargs: Any) -> Any:
        return self._keeping(super().action(*args, **kwargs))

    def view(self, *args: Any, **kwargs: Any) -> Any:
        return self._keeping(super().view(*args, **kwargs))

    def command(self, *args: Any, **kwargs: Any) -> Any:
        return self._keeping(super().command(*args, **kwargs))

    def event(self, *args: Any, **kwargs: Any) -> Any:
        middleware = kwargs.get("middleware") or []
        self.registered += [f for f in middleware if not isinstance(f, AsyncMiddleware)]
        return self._keeping(super().event(*args, **kwargs))

    def _keeping(self, register: Callable[..., Any]) -> Callable[..., Any]:
        def keep(*functions: Callable[..., Any]) -> Any:
            self.registered += functions
            return register(*functions)

        return keep


class InjectDeps(AsyncMiddleware):
    """Puts the collaborators in Bolt's context, so listeners declare `deps` as a parameter:
    with the gateway `authorize` chose for the request's workspace."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        gateway = req.context.get(GATEWAY)  # the one serving the request's workspace
        req.context["deps"] = self.deps if gateway is None else self.deps.served_by(gateway)
        return await next()
