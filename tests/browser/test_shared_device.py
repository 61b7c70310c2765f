"""A shared tablet in Chromium: three people answer in turn, the second with no
connection; the answers are stored once each when it returns, and nothing of one
person's answers can be found by the next (Back, form restore, storage, the
service worker's cache). The idle reset, the staff PIN exit, and a retry after a
lost confirmation."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from playwright.async_api import Page, expect

from tests import factories
from tests.http.test_shared_device import _version_first_seen

WORDS = ["Person one: the room was noisy.", "Person two: nobody explained the plan.", "Person three: kind and clear."]
SAVED = "Saved on this device — it will be sent when there is a connection."

# Everything a page on this device can read: web storage, every service worker cache, and IndexedDB (waiting
# answers as stored, i.e. encrypted). Returns where `words` were found.
FIND = """async (words) => {
  const found = [];
  if ((JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})).includes(words)) found.push("web storage");
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if ((await (await cache.match(request)).text()).includes(words)) found.push("cache " + request.url);
    }
  }
  if ((await indexedDB.databases()).some(d => d.name === "heard")) {
    const db = await new Promise((ok, fail) => { const q = indexedDB.open("heard"); q.onsuccess = () => ok(q.result); q.onerror = fail; });
    for (const store of db.objectStoreNames) {
      const all = await new Promise(ok => { const q = db.transaction(store).objectStore(store).getAll(); q.onsuccess = () => ok(q.result); });
      for (const item of all) {
        const raw = item && item.sealed ? new TextDecoder().decode(item.sealed) : JSON.stringify(item);
        if (raw.includes(words)) found.push("indexeddb " + store);
      }
    }
    db.close();
  }
  return found;
}"""
WAITING = """async () => {
  const db = await new Promise((ok, fail) => { const q = indexedDB.open("heard"); q.onsuccess = () => ok(q.result); q.onerror = fail; });
  const count = await new Promise(ok => { const q = db.transaction("outbox").objectStore("outbox").count(); q.onsuccess = () => ok(q.result); });
  db.close();
  return count;
}"""
LOCK = """async () => {
  const db = await new Promise((ok, fail) => { const q = indexedDB.open("heard"); q.onsuccess = () => ok(q.result); q.onerror = fail; });
  const lock = await new Promise(ok => { const q = db.transaction("keep").objectStore("keep").get("lock"); q.onsuccess = () => ok(q.result); });
  db.close();
  return lock ? lock.path : null;
}"""


async def _tablet(browser):
    context = await browser.new_context(viewport={"width": 800, "height": 1200}, locale="en-GB")
    return context, await context.new_page()


async def _ready(page: Page) -> None:
    """The service worker runs this page and holds the lock (set up after the first visit)."""
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # Polled from here: the page's CSP (script-src 'self', no eval) refuses wait_for_function's string predicate.
    assert await _until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"))
    for _ in range(100):
        if await page.evaluate(
            "indexedDB.databases().then(d => d.some(x => x.name === 'heard'))"
        ) and await page.evaluate(LOCK):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the service worker never locked the tablet")


async def _answer(page: Page, words: str) -> None:
    await (
        page.get_by_role("group", name="The worker listened to me.")
        .get_by_role("radio", name="Agree", exact=True)
        .check()
    )
    await page.get_by_role("textbox").fill(words)


async def _until(check, seconds: float = 20.0):
    for _ in range(int(seconds * 10)):
        if result := await check():
            return result
        await asyncio.sleep(0.1)
    return await check()


async def _nothing_left(page: Page, words: list[str]) -> None:
    html = await page.content()
    for said in words:
        assert said not in html
        assert await page.evaluate(FIND, said) == [], f"{said!r} can be found on the device"


async def test_three_people_in_turn_the_second_offline_are_stored_once_each(browser, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True)
    context, page = await _tablet(browser)
    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")
    await _ready(page)
    form = {
        "survey": await page.locator("input[name=survey]").input_value(),
        "version": await page.locator("input[name=version]").input_value(),
    }
    yesterday = dt.date.today() - dt.timedelta(days=1)

    async with _version_first_seen(pool, form, days_ago=30):
        # Person one, online.
        await _answer(page, WORDS[0])
        await page.get_by_role("button", name="Send my answers").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you", timeout=60000)
        await expect(page.locator("#next-countdown")).to_be_visible()
        await page.get_by_role("link", name="Start again for the next person").click()
        await expect(page.locator("form#answers")).to_be_visible()
        await _nothing_left(page, WORDS[:1])

        # Person two, answering yesterday (the tablet's clock) with no connection.
        await page.clock.set_fixed_time(dt.datetime.combine(yesterday, dt.time(11, 0)))
        await context.set_offline(True)
        second_id = await page.locator("input[name=submission_id]").input_value()
        await _answer(page, WORDS[1])
        await page.get_by_role("button", name="Send my answers").click()
        await expect(page.get_by_text(SAVED)).to_be_visible(timeout=30000)
        assert await page.locator("form#answers").count() == 0, "the answers are gone from the page"
        assert await page.evaluate(WAITING) == 1
        await _nothing_left(page, WORDS[:2])  # waiting encrypted, readable by nobody here

        # Person three: a clean form, even with no connection; nothing of the others by Back or form restore.
        await page.get_by_role("link", name="Start again for the next person").click()
        await expect(page.locator("form#answers")).to_be_visible()
        assert await page.locator("input[name=submission_id]").input_value() != second_id
        assert await page.get_by_role("textbox").input_value() == ""
        assert await page.locator("input[type=radio]:checked").count() == 0
        await page.go_back()  # history was replaced: Back leaves Heard rather than reaching anyone's answers
        html = await page.content()
        assert not any(said in html for said in WORDS[:2])
        assert await page.locator("input[type=radio]:checked").count() == 0
        await page.goto(f"{server}/t/{touchpoint.code}/form/parent")
        await context.set_offline(False)
        await page.clock.set_fixed_time(dt.datetime.now())
        await _answer(page, WORDS[2])
        await page.get_by_role("button", name="Send my answers").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you", timeout=60000)

        async def three_stored():
            stored = await factories.stored_responses(pool, touchpoint.id)
            return stored if len(stored) == 3 else None

        stored = await _until(three_stored)

    assert stored is not None, "all three answers arrive once the connection is back"
    assert sorted(row["free_text"]["anything_else"] for row in stored) == sorted(WORDS), "each stored exactly once"
    days = {row["free_text"]["anything_else"]: row["submitted_on"] for row in stored}
    assert days[WORDS[1]] == yesterday, "the day it was given"
    assert days[WORDS[0]] == days[WORDS[2]] == dt.date.today()
    assert await _until(lambda: page.evaluate("(" + WAITING + ")().then(n => n === 0)")), "deleted once confirmed"
    await _nothing_left(page, WORDS[:2])
    await context.close()


async def test_a_retry_after_a_lost_confirmation_stores_once(browser, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True)
    context, page = await _tablet(browser)
    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")
    await _ready(page)
    await _answer(page, WORDS[0])
    fields = await page.evaluate("Object.fromEntries(new FormData(document.getElementById('answers')))")
    # The answer reached Heard, but its confirmation never came back to the tablet:
    await page.request.post(f"{server}/t/{touchpoint.code}/form/parent", form=fields, max_redirects=0, timeout=60000)
    await context.set_offline(True)
    await page.get_by_role("button", name="Send my answers").click()
    await expect(page.get_by_text(SAVED)).to_be_visible(timeout=30000)

    await context.set_offline(False)
    await page.evaluate("window.dispatchEvent(new Event('online'))")

    assert await _until(lambda: page.evaluate("(" + WAITING + ")().then(n => n === 0)")), "sent, confirmed, deleted"
    stored = await factories.stored_responses(pool, touchpoint.id)
    assert [row["free_text"]["anything_else"] for row in stored] == [WORDS[0]]
    await context.close()


async def test_after_a_while_without_a_touch_it_asks_then_starts_again(browser, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True, idle_seconds=2)
    context, page = await _tablet(browser)
    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")
    await _answer(page, WORDS[0])

    still = page.get_by_role("alertdialog", name="Are you still there?")
    await expect(still).to_be_visible(timeout=6000)
    await page.get_by_role("button", name="Yes, I'm still here").click()
    await expect(still).to_be_hidden()
    assert await page.get_by_role("textbox").input_value() == WORDS[0], "still there: nothing lost"
    await expect(still).to_be_visible(timeout=6000)
    await expect(page.get_by_role("textbox")).to_have_value("", timeout=20000)  # at least 10 seconds to answer

    assert await page.locator("input[type=radio]:checked").count() == 0
    assert WORDS[0] not in await page.content()
    assert await factories.stored_responses(pool, touchpoint.id) == []
    await context.close()


async def test_the_tablet_stays_on_its_touchpoint_until_the_staff_pin(browser, server, pool):
    touchpoint = await factories.touchpoint(pool, audience="parent", shared_device=True, exit_pin="2468")
    context, page = await _tablet(browser)
    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")
    await _ready(page)

    await page.goto(f"{server}/staff/sign-in")
    assert f"/t/{touchpoint.code}/form/parent" in page.url, "nowhere else from the tablet"
    await page.get_by_role("link", name="Staff exit").click()
    await page.get_by_label("PIN").fill("1111")
    await page.get_by_role("button", name="Take the tablet off this touchpoint").click()
    await expect(page.get_by_text("That PIN is not right.")).to_be_visible()
    await page.get_by_label("PIN").fill("2468")
    await page.get_by_role("button", name="Take the tablet off this touchpoint").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("The tablet is off this touchpoint")
    assert await _until(lambda: page.evaluate("(" + LOCK + ")().then(l => l === null)"))
    await page.goto(f"{server}/staff/sign-in")

    assert "/staff/sign-in" in page.url
    await context.close()


@pytest.mark.parametrize("lang", ["en-GB", "ar"])
async def test_the_shared_device_pages_have_no_axe_violations_or_script_errors(browser, server, pool, lang):
    from tests.browser.test_accessibility import violations

    touchpoint = await factories.touchpoint(
        pool, audience="parent", shared_device=True, exit_pin="2468", idle_seconds=2, language=lang
    )
    context, page = await _tablet(browser)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    found = []
    await page.goto(f"{server}/t/{touchpoint.code}?lang={lang}")
    found += await violations(page, "welcome")
    await page.goto(f"{server}/t/{touchpoint.code}/form/parent?lang={lang}")
    await _ready(page)
    await expect(page.locator("#still-there")).to_be_visible(timeout=6000)  # then 10 seconds before starting over
    found += await violations(page, "still there?")
    await page.locator("#still-here").click()
    await context.set_offline(True)
    await page.locator("input[type=radio]").first.check()
    await page.locator("button.send").click()
    await expect(page.locator("#saved-offline")).to_be_visible(timeout=30000)
    found += await violations(page, "saved on this device")
    await context.set_offline(False)
    await page.goto(f"{server}/t/{touchpoint.code}/exit?lang={lang}")
    found += await violations(page, "staff exit")
    await page.locator("#pin").fill("0000")
    await page.locator("form button[type=submit]").click()
    found += await violations(page, "staff exit, wrong PIN")
    await page.locator("#pin").fill("2468")
    await page.locator("form button[type=submit]").click()
    await expect(page.locator("body[data-unlock]")).to_be_attached()
    found += await violations(page, "off the touchpoint")

    assert found == []
    # htmx logs the send that failed offline, and the browser the 422 of a wrong PIN: nothing else.
    expected = ("Failed to load resource", "htmx:", "net::ERR_INTERNET_DISCONNECTED")
    assert [e for e in errors if not e.startswith(expected) and "Failed to load resource" not in e] == []
    await context.close()


@pytest.mark.parametrize("lost", ["request", "response"])
async def test_on_someones_own_phone_a_failed_send_waits_on_the_device_and_is_stored_once(browser, server, pool, lost):
    touchpoint = await factories.touchpoint(pool, audience="parent")
    context, page = await _tablet(browser)
    await page.goto(f"{server}/t/{touchpoint.code}/form/parent")
    # Polled from here: the page's CSP (script-src 'self', no eval) refuses wait_for_function's string predicate.
    assert await _until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"))
    failures = []

    async def drop_first_send(route) -> None:
        if route.request.method == "POST" and not failures:
            failures.append(route.request.url)
            if lost == "response":  # it reached Heard and was stored; the answer never came back
                await route.fetch()
            await route.abort("internetdisconnected")
            return
        await route.continue_()

    await page.route("**/form/parent", drop_first_send)
    await _answer(page, WORDS[0])
    await page.get_by_role("button", name="Send my answers").click()
    await expect(page.get_by_text(SAVED)).to_be_visible(timeout=30000)

    assert failures, "the first send was dropped"
    assert await page.get_by_role("link", name="Start again for the next person").count() == 0, "not a shared device"

    async def stored_once():
        stored = await factories.stored_responses(pool, touchpoint.id)
        return stored or None

    stored = await _until(stored_once)  # the service worker sends it as soon as it can
    assert [row["free_text"]["anything_else"] for row in stored] == [WORDS[0]]
    await asyncio.sleep(0.5)
    assert len(await factories.stored_responses(pool, touchpoint.id)) == 1
    assert await _until(lambda: page.evaluate("(" + WAITING + ")().then(n => n === 0)"))
    await context.close()
