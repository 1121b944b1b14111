"""A local Slack Web API double and a signed-request driver for tests and the demo."""

from app.slackdouble.double import SlackDouble
from app.slackdouble.driver import DriverResponse, SlackDriver
from app.slackdouble.render import format_timeline, render_blocks, render_text
from app.slackdouble.server import Call
from app.slackdouble.workspace import Channel, Ephemeral, Message, SlackFile, User, Visible

__all__ = [
    "Call",
    "Channel",
    "DriverResponse",
    "Ephemeral",
    "Message",
    "SlackDouble",
    "SlackDriver",
    "SlackFile",
    "User",
    "Visible",
    "format_timeline",
    "render_blocks",
    "render_text",
]
