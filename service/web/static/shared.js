/* Heard on a shared device (a family centre's tablet), loaded on its pages
   only (heard.js runs first and registers sw.js):
   - keeps the tablet on its touchpoint (sw.js holds the lock) until the staff
     PIN page (data-unlock) lets it go; keeps the form for use offline;
   - its own random id, so staff see when it last sent answers;
   - after "thank you" or "saved on this device": a countdown, then a clean
     start for the next person (history replaced, so Back reaches nobody);
   - after a while without a touch: "still there?", then a clean start. */
(function () {
  "use strict";

  var body = document.body;
  var start = body.getAttribute("data-shared-start");
  var toWorker = window.heardWorker;

  function noop() {}

  if (toWorker && body.hasAttribute("data-unlock")) { toWorker({ unlock: true }).catch(noop); }
  if (!start) { return; }
  if (toWorker) {
    var files = [];
    var links = document.querySelectorAll("script[src], link[rel=stylesheet]");
    for (var i = 0; i < links.length; i++) { files.push(links[i].src || links[i].href); }
    if (!window.navigator.serviceWorker.controller && document.getElementById("answers")) { files.push(window.location.href); }
    toWorker({ lock: { path: body.getAttribute("data-lock"), start: start }, cache: files }).catch(noop);
  }

  function markDevice() {
    var field = document.querySelector("form#answers input[name=device]");
    if (!field || !window.crypto.randomUUID) { return; }
    try {
      var id = window.localStorage.getItem("heard-device");
      if (!id) { id = window.crypto.randomUUID(); window.localStorage.setItem("heard-device", id); }
      field.value = id;
    } catch (e) { field.value = ""; }
  }

  function nextPerson() { window.location.replace(start); }

  function countdown(line) {
    if (!line) { return; }
    var left = 20, seconds = line.querySelector(".seconds");
    line.hidden = false;
    (function tick() {
      seconds.textContent = String(left);
      if (left-- <= 0) { nextPerson(); } else { window.setTimeout(tick, 1000); }
    }());
  }

  markDevice();
  document.addEventListener("htmx:afterSwap", markDevice);
  countdown(document.getElementById("next-countdown"));
  document.addEventListener("heard:saved", function () { countdown(document.querySelector("#saved-offline .countdown")); });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.next-person");
    if (link) { event.preventDefault(); nextPerson(); }
  });

  var prompt = document.getElementById("still-there");
  if (!prompt) { return; }
  var idle = Math.max(2, parseInt(body.getAttribute("data-idle"), 10) || 180) * 1000;
  var last = Date.now(), asked = 0;
  ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () { if (!asked) { last = Date.now(); } }, true);
  });
  document.getElementById("still-here").addEventListener("click", function () {
    asked = 0;
    last = Date.now();
    prompt.hidden = true;
  });
  window.setInterval(function () {
    var now = Date.now();
    if (!asked && now - last > idle) {
      asked = now;
      prompt.hidden = false;
      prompt.focus();
    } else if (asked && now - asked > Math.min(Math.max(idle, 10000), 30000)) { // 10 to 30 seconds to answer
      nextPerson();
    }
  }, 500);
}());
