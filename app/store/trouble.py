"""What a database error says about the database, in words a person can act on."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

# (words in the driver's message, what they mean for the people in the war room)
TROUBLES = (
    ("database or disk is full", "the database is full"),
    ("no space left on device", "the database is full"),
    ("readonly database", "the database is read-only"),
    ("read-only transaction", "the database is read-only"),
    ("database is locked", "the database is busy"),
    ("unable to open database file", "the database cannot be reached"),
    ("connection refused", "the database cannot be reached"),
    ("could not connect", "the database cannot be reached"),
    ("connection was closed", "the database cannot be reached"),
    ("the database system is", "the database cannot be reached"),  # starting up, shutting down
)


def database_trouble(error: BaseException) -> str | None:
    """ "the database is full", "… read-only", "… busy", "… cannot be reached", or None when
    the error is not about the database being unusable (a bug, a refused tamper attempt)."""
    if not isinstance(error, SQLAlchemyError | OSError):
        return None
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    text = f"{type(cause).__name__} {cause}".lower()
    return next((meaning for words, meaning in TROUBLES if words in text), None)
