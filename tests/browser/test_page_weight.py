"""The first load of a respondent form, everything included, measured by the
browser's own resource timing: at most 30 KB compressed with htmx and the
service worker (sw.js, counted as its compressed script and headers), 15 KB
without JavaScript; nothing from another host; static files cached for good."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser

BUDGET = {"with JavaScript": 30 * 1024, "without JavaScript": 15 * 1024}
AUDIENCES = ["under8", "8to12", "13to17", "parent"]
# transferSize: bytes over the wire, headers included; encodedBodySize: the compressed body.
ENTRIES = """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
  .map(e => ({url: e.name, transfer: e.transferSize, body: e.encodedBodySize, decoded: e.decodedBodySize}))"""


async def first_load(browser: Browser, url: str, javascript: bool) -> tuple[list[dict], list[str]]:
    """A fresh browser profile (nothing cached) opens `url`: what came, and what was asked for."""
    context = await browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=javascript)
    page = await context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    await page.goto(url, wait_until="load")
    entries = await page.evaluate(ENTRIES)  # Playwright can read timing even where page scripts may not run
    if javascript:  # the service worker heard.js registers counts too: its script, compressed, with its headers
        await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        worker = await page.request.get(url.split("/t/")[0] + "/sw.js", headers={"Accept-Encoding": "gzip"})
        assert worker.headers["content-encoding"] == "gzip"
        headers = sum(len(h["name"]) + len(h["value"]) + 4 for h in worker.headers_array)
        entries.append(
            {
                "url": worker.url,
                "transfer": len(gzip.compress(await worker.body(), 6)) + headers,
                "body": 0,
                "decoded": 0,
                "worker": True,
            }
        )
    await context.close()
    return entries, requested


@pytest.mark.parametrize("mode", list(BUDGET))
@pytest.mark.parametrize("audience", AUDIENCES)
async def test_the_first_load_of_a_form_fits_the_budget(browser, server, touchpoint, audience, mode):
    url = f"{server}/t/{touchpoint.code}/form/{audience}"

    entries, requested = await first_load(browser, url, javascript=mode == "with JavaScript")

    total = sum(entry["transfer"] for entry in entries)
    print(
        f"first load, {audience}, {mode}: {total} bytes: "
        + ", ".join(f"{urlsplit(e['url']).path.rsplit('/', 1)[-1]} {e['transfer']}" for e in entries if e["transfer"])
    )
    fetched = [entry for entry in entries if entry["transfer"] > 0 and not entry.get("worker")]
    scripts = [url for url in requested if url.endswith(".js")]
    assert len(scripts) == (2 if mode == "with JavaScript" else 0), "without JavaScript no script is fetched"
    assert len(fetched) == len(requested), "every file fetched was measured (nothing came from a cache)"
    assert all(entry["body"] < entry["decoded"] for entry in fetched if entry["decoded"] > 1024), "compressed"
    assert {urlsplit(url).netloc for url in requested} == {urlsplit(server).netloc}, "no third-party requests"
    assert total <= BUDGET[mode]


async def test_static_files_have_hashed_names_and_are_cached_for_a_year(page, server, touchpoint):
    responses = []
    page.on("response", lambda response: responses.append(response) if "/static/" in response.url else None)

    await page.goto(f"{server}/t/{touchpoint.code}/form/parent", wait_until="load")

    names = sorted(urlsplit(response.url).path.rsplit("/", 1)[-1].split(".")[0] for response in responses)
    assert names == ["faces", "heard", "heard", "htmx"]  # faces.css is shared with printed cards
    for response in responses:
        headers = await response.all_headers()
        assert "immutable" in headers["cache-control"] and "max-age=31536000" in headers["cache-control"]
        assert headers["content-encoding"] == "gzip"
        assert re.search(r"\.[0-9a-f]{10}\.(css|js)$", response.url), "a content hash in the name"
    plain = await page.request.get(f"{server}/static/heard.css")
    assert plain.ok and "immutable" not in plain.headers["cache-control"], "the plain name may change"
