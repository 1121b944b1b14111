import pytest

from app.errors import BadCommand
from app.roles.models import Role
from app.slack.commands.grammar import Help, ListRoles, Open, RoleAdd, RoleRemove
from app.slack.commands.parse import parse


def test_empty_text_and_help_show_help() -> None:
    assert parse("") == Help()
    assert parse("  help ") == Help()


def test_open_keeps_the_title_as_typed() -> None:
    assert parse("open  CEO apology: “we’re sorry” 🔥") == Open(
        title="CEO apology: “we’re sorry” 🔥"
    )
    assert parse("OPEN") == Open(title="")


def test_role_add_reads_escaped_mentions_and_drops_repeats() -> None:
    command = parse("role add Legal <@U0DAVID|david> <@U0ROBERT> <@U0DAVID>")
    assert command == RoleAdd(role=Role.LEGAL, users=("U0DAVID", "U0ROBERT"))


def test_role_remove_and_roles() -> None:
    assert parse("role remove exec <@U0ROBERT>") == RoleRemove(Role.EXEC, ("U0ROBERT",))
    assert parse("roles") == ListRoles()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("frobnicate", "I don't know `/crisis frobnicate`"),
        ("role", "Say whether to add or remove"),
        ("role promote lead <@U0MARIA>", "Say whether to add or remove"),
        ("role add", "Name a role"),
        ("role add janitor <@U0MARIA>", "`janitor` is not a role. The roles are lead, exec"),
        ("role add lead", "Mention at least one person"),
        ("role add lead @maria", "`@maria` is not a person"),
        ("role add lead <#C0GENERAL|general>", "is not a person"),
        ("role add lead <!here>", "is not a person"),
        ("role add lead <!subteam^S0COMMS|@comms>", "is not a person"),
        ("roles extra", "takes nothing after it"),
        ("open " + "x" * 301, "keep it under 300"),
    ],
)
def test_bad_input_says_what_was_wrong_and_what_to_type(text: str, says: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse(text)
    assert says in caught.value.message


def test_a_huge_unknown_word_is_clipped_in_the_answer() -> None:
    with pytest.raises(BadCommand) as caught:
        parse("x" * 500)
    assert len(caught.value.message) < 120
