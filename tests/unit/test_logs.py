import logging

from app.logs import RedactSecrets


def test_known_secrets_and_token_shapes_are_masked() -> None:
    redactor = RedactSecrets(["s3cr3t-signing"])
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "token %s secret %s other %s", None, None
    )
    record.args = ("xoxb-123-456-abc", "s3cr3t-signing", "xapp-1-A0-99")
    redactor.filter(record)
    text = record.getMessage()
    assert "xoxb-" not in text and "s3cr3t" not in text and "xapp-" not in text
    assert text.count("[redacted]") == 3


def test_tracebacks_are_masked_too() -> None:
    redactor = RedactSecrets([])
    try:
        raise RuntimeError("bad token xoxb-999-leak")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    redactor.filter(record)
    assert "xoxb-999" not in record.getMessage()
    assert "RuntimeError" in record.getMessage()
