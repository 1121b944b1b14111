"""The HTML document printed to PDF by WeasyPrint (the optional `pdf` extra).

WeasyPrint lays out CSS paged media: the running header (incident and title, export time) and
"page x of y" come from the template's `@page` margin boxes, and each section heading becomes a
PDF bookmark (`bookmark-level`). WeasyPrint needs Pango from the system (Debian:
`libpango-1.0-0 libpangoft2-1.0-0`); without it PDF export says so and nothing else changes.
"""

from __future__ import annotations

from typing import TextIO

from app.errors import BadCommand

NOT_INSTALLED = (
    "PDF export needs WeasyPrint and Pango: pip install -e '.[pdf]' "
    "(and on Debian apt-get install libpango-1.0-0 libpangoft2-1.0-0)."
)


def pdf_available() -> str | None:
    """None when PDFs can be made here, else why not (for messages and skipped tests)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return f"{NOT_INSTALLED} ({error.__class__.__name__}: {error})"
    return None


def pdf_bytes(html: str) -> bytes:
    """The document as PDF bytes. The HTML is self-contained: nothing is fetched."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        raise BadCommand(NOT_INSTALLED) from error
    data: bytes = HTML(string=html, url_fetcher=_fetcher()).write_pdf()
    return data


def write_pdf(data: bytes, out: TextIO) -> None:
    """Write the PDF to the binary file under a text stream opened on a file."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        raise BadCommand("A PDF is written to a file: use `crisisroom export INC-n --format pdf`.")
    out.flush()
    buffer.write(data)
    buffer.flush()


def _fetcher() -> object:
    """What WeasyPrint may read: `data:` URIs (the metric charts, inside the document), and
    nothing else. WeasyPrint 68 made fetchers objects; before, they were functions."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: object, **kwargs: object) -> object:
            if url.startswith("data:"):
                return default_url_fetcher(url, *args, **kwargs)
            return _refuse(url)

        return fetch
    return URLFetcher(allowed_protocols=("data",))


def _refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """The document is self-contained: WeasyPrint never fetches a URL for it."""
    raise ValueError(f"the record's PDF fetches nothing (asked for {url[:80]})")
