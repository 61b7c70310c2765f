"""Static files with content-hashed names, read once at start-up.

`static_url("heard.css")` (a Jinja global) gives `/static/heard.3f2a9c1d.css`;
that address never changes meaning, so it is served with a one-year immutable
cache header. The plain name still answers (cached briefly) for anything that
cannot know the hash. Recorded read-aloud audio named by survey files lives in
`<surveys dir>/audio/` and is served the same way under `audio/`.
Compression is left to the app's gzip middleware. Heard's own scripts are
served without their comments (`without_comments`): the comments are for
people reading the source, and phones on a small data plan should not pay for
them (the service worker counts in the first-load budget).
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from pathlib import Path

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from service.paths import HTMX, STATIC_DIR

FOREVER = "public, max-age=31536000, immutable"
BRIEFLY = "public, max-age=300"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
    ".svg": "image/svg+xml",
}


# A block comment, or a line that is only a comment. Heard's scripts keep "/*" and "//" out of strings and
# regular expressions at the start of a line (the browser tests run the scripts as served).
_COMMENTS = re.compile(rb"/\*.*?\*/\n?|^[ \t]*//[^\n]*\n", re.S | re.M)


def without_comments(script: bytes) -> bytes:
    return _COMMENTS.sub(b"", script)


class Asset(msgspec.Struct, frozen=True):
    name: str  # logical name, e.g. "heard.css" or "audio/listened-en.mp3"
    hashed: str  # e.g. "heard.3f2a9c1d.css"
    body: bytes
    media_type: str


class Assets:
    """Every file Heard serves under /static, by logical and by hashed name."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.by_name: dict[str, Asset] = {}
        self.by_hashed: dict[str, Asset] = {}
        for name, path in sorted(files.items()):
            body = path.read_bytes()
            if path.suffix == ".js" and path.parent == STATIC_DIR:
                body = without_comments(body)
            digest = hashlib.sha256(body).hexdigest()[:10]
            stem, dot, suffix = name.rpartition(".")
            hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
            media_type = (
                TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            )
            asset = Asset(name, hashed, body, media_type)
            self.by_name[name] = asset
            self.by_hashed[hashed] = asset

    @classmethod
    def scan(cls, surveys_dir: Path) -> Assets:
        files = {p.relative_to(STATIC_DIR).as_posix(): p for p in STATIC_DIR.rglob("*") if p.is_file()}
        if HTMX.is_file():
            files["htmx.min.js"] = HTMX
        audio = surveys_dir / "audio"
        if audio.is_dir():
            files |= {"audio/" + p.relative_to(audio).as_posix(): p for p in audio.rglob("*") if p.is_file()}
        return cls(files)

    def url(self, name: str) -> str:
        """The cache-forever address of a static file; a missing file fails loudly."""
        return "/static/" + self.by_name[name].hashed

    def has(self, name: str) -> bool:
        return name in self.by_name

    def audio_url(self, name: str) -> str | None:
        """The address of a recorded audio file a survey names, if it exists."""
        return self.url("audio/" + name) if name and self.has("audio/" + name) else None


@get("/static/{path:path}", name="static", include_in_schema=False)
async def static_file(path: FromPath[str], state: State) -> Response[bytes]:
    assets: Assets = state.assets
    name = path.lstrip("/")
    if asset := assets.by_hashed.get(name):
        cache = FOREVER
    elif asset := assets.by_name.get(name):
        cache = BRIEFLY
    else:
        raise NotFoundException()
    return Response(asset.body, media_type=asset.media_type, headers={"Cache-Control": cache})


@get("/sw.js", name="service_worker", include_in_schema=False)
async def service_worker(state: State) -> Response[bytes]:
    """The service worker (static/sw.js) at the site's root, so its scope covers the respondent pages under /t/
    (and, on a shared device, can keep the tablet on its touchpoint). Browsers check it for updates on each
    visit, so it is never cached for long."""
    asset = state.assets.by_name["sw.js"]
    return Response(
        asset.body, media_type=asset.media_type, headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
    )


ROUTES = [static_file, service_worker]
