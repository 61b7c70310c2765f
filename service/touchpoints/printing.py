"""Printed invitations: an A6 card, four A6 cards on an A4 sheet (with cut
marks), and an A4 poster, as HTML the browser prints and as PDF rendered on
the server (WeasyPrint), from the same template and print.css, so "Save as
PDF" and the download give the same sheet at the same paper size."""

from __future__ import annotations

import base64
from pathlib import Path

from service.web.templating import render

from .qr import qr_svg

# What each printable is called in URLs, and its paper.
SIZES = {"card": "A6", "cards": "A4", "poster": "A4"}
STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
LOGO_MAX_BYTES = 512 * 1024


def data_uri(media_type: str, body: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(body).decode('ascii')}"


def qr_data_uri(url: str) -> str:
    """The QR code inside the page itself: printing and PDF need no second request."""
    return data_uri("image/svg+xml", qr_svg(url))


def logo_data_uri(path: Path | None) -> str | None:
    """The organisation's logo (HEARD_LOGO_FILE), or None. Checked when settings load."""
    if path is None:
        return None
    return data_uri(LOGO_TYPES[path.suffix.lower()], path.read_bytes())


def sheet_html(**context: object) -> str:
    return render("touchpoints/sheet.html", **context)


def sheet_pdf(html: str, size: str) -> bytes:
    """The same page as a PDF. Imported here so that only printing pays for
    WeasyPrint (and Pango) at start-up. Everything a sheet shows is inside it
    (data: URIs), so the fetcher allows nothing else: no file, no network."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    paper = "paper-a6.css" if SIZES[size] == "A6" else "paper-a4.css"
    stylesheets = [CSS(filename=str(STATIC_DIR / name)) for name in ("print.css", paper, "faces.css")]
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)
