/* Heard: small enhancements on top of pages that work without JavaScript.
   - Read-aloud buttons: a recorded file when the survey names one, else the
     device's own voice for the page's language; a button with neither stays
     hidden (never a button that does nothing).
   - After htmx swaps a form in: move focus to what changed.
   - When sending fails on a bad connection, or Heard refuses it (any 4xx or
     5xx it cannot show as the form): say so, clear older messages, keep every
     answer, and let the person send again (same submission id: stored once).
   - One question a screen (under 8s): tapping an answer moves on after a
     moment; each screen is a history entry, so the phone's Back and Forward
     buttons move between questions with the answers kept (posted like "Back").
   - The error summary's links put focus on the answer, its question in view;
     on a staff page that came back with problems, the summary has the focus.
   - Once sent, the form's address is marked, so Back after "thank you" asks
     Heard, which says the answers were already sent.
   - Answers that cannot be sent wait on the device (sw.js keeps them
     encrypted) and are sent when there is a connection.
   - A shared device (a family centre's tablet): "thank you" replaces the
     form in the history; the rest is in shared.js, loaded on its pages only. */
(function () {
  "use strict";

  var pageLang = (document.documentElement.lang || "en").toLowerCase();
  var synth = window.speechSynthesis;
  var voice = null;
  var player = null;
  var body = document.body;
  var start = body.getAttribute("data-shared-start");
  var worker = window.navigator.serviceWorker && window.MessageChannel && window.crypto.subtle ? window.navigator.serviceWorker : null;


  function findVoice() {
    if (!synth || !window.SpeechSynthesisUtterance) { return null; }
    var voices = synth.getVoices() || [];
    var base = pageLang.split("-")[0];
    var near = null;
    for (var i = 0; i < voices.length; i++) {
      var tag = (voices[i].lang || "").replace("_", "-").toLowerCase();
      if (tag === pageLang) { return voices[i]; }
      if (!near && tag.split("-")[0] === base) { near = voices[i]; }
    }
    return near;
  }

  function showSpeakButtons() {
    voice = findVoice();
    var buttons = document.querySelectorAll("button.speak");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = !(buttons[i].getAttribute("data-audio") || voice);
    }
  }

  function say(words) {
    if (!voice) { return; }
    synth.cancel();
    var utterance = new window.SpeechSynthesisUtterance(words);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    synth.speak(utterance);
  }

  function speak(button) {
    var words = button.getAttribute("data-say") || "";
    var audio = button.getAttribute("data-audio");
    if (player) { player.pause(); }
    if (synth) { synth.cancel(); }
    if (audio) {
      player = new window.Audio(audio);
      var playing = player.play();
      if (playing && playing.catch) { playing.catch(function () { say(words); }); }
      return;
    }
    say(words);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.speak");
    if (button) { event.preventDefault(); speak(button); }
  });

  if (synth && synth.addEventListener) { synth.addEventListener("voiceschanged", showSpeakButtons); }
  showSpeakButtons();

  function show(id, visible) {
    var box = document.getElementById(id);
    if (!box) { return null; }
    box.hidden = !visible;
    if (visible) { box.focus(); }
    return box;
  }

  function sendFailed(visible) { show("send-failed", visible); }

  function clearMessages() {
    show("send-failed", false);
    show("send-refused", false);
  }

  document.addEventListener("htmx:beforeRequest", function () { clearMessages(); cancelStep(); });

  // Refused (4xx, 5xx): a response carrying the form (problems, "try again")
  // is swapped in; anything else leaves the answers alone and says so.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail, status = detail.xhr ? detail.xhr.status : 0;
    if (status < 400) { return; }
    var body = detail.serverResponse || "";
    if (body.indexOf('id="form-area"') !== -1) {
      detail.shouldSwap = true;
      detail.isError = false;
      return;
    }
    detail.shouldSwap = false;
    var old = document.getElementById("problems");
    if (old) { old.hidden = true; }
    var inline = document.querySelectorAll("#answers .problem");
    for (var i = 0; i < inline.length; i++) { inline[i].hidden = true; }
    var box = show("send-refused", true);
    var reason = box && box.querySelector(".refused-reason");
    if (reason) {
      var heading = null;
      try { heading = new window.DOMParser().parseFromString(body, "text/html").querySelector("main h1"); } catch (e) { heading = null; }
      reason.textContent = heading ? heading.textContent.trim() : "";
      reason.hidden = !reason.textContent;
    }
  });

  // No answer at all (offline, dropped connection): nothing was swapped, so
  // every answer is still in the form. A final send waits on this device
  // (sw.js) when it can; otherwise the same button sends them again.
  var sending = null;
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt, data = event.detail.formData;
    sending = form && form.id === "answers" && data && !data.has("go") &&
      event.detail.path === form.getAttribute("action") ? { form: form, data: data, path: event.detail.path } : null;
  });
  function notSent() {
    var sent = sending;
    sending = null;
    if (!sent || !worker || !worker.controller) { sendFailed(true); return; } // no service worker: try again by hand
    var body = new window.URLSearchParams(sent.data), now = new Date();
    body.set("answered_on", now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()));
    toWorker({ queue: { url: sent.path, body: body.toString() } }).then(function () {
      sent.form.reset();
      sent.form.parentNode.removeChild(sent.form); // nothing of the answers stays on the page
      var old = document.getElementById("problems");
      if (old) { old.hidden = true; }
      show("saved-offline", true);
      document.dispatchEvent(new window.Event("heard:saved")); // shared.js: the next person's countdown
    }, function () { sendFailed(true); });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  document.addEventListener("htmx:sendError", notSent);
  document.addEventListener("htmx:timeout", notSent);

  // A new screen or the problems came in: start reading there.
  document.addEventListener("htmx:afterSwap", function () {
    showSpeakButtons();
    rememberScreen();
    var target = document.getElementById("problems") || document.getElementById("progress");
    if (target) { target.focus(); }
  });

  // --- one question a screen ------------------------------------------------

  var stepTimer = null;
  var restoring = false;

  function stepOf(form) {
    var field = form && form.querySelector("input[name=step]");
    return field ? parseInt(field.value, 10) : null;
  }

  function cancelStep() {
    if (stepTimer) { window.clearTimeout(stepTimer); stepTimer = null; }
  }

  // A tap (not the keyboard: arrows move between answers) on an answer moves
  // on after a moment to see the choice; "Next" and "Back" stay for skipping
  // a question and going back.
  document.addEventListener("click", function (event) {
    var label = event.target.closest && event.target.closest("form[data-step-on-choice] label.option");
    if (!label || (event.target.tagName === "INPUT" && event.detail === 0)) { return; }
    var form = label.closest("form");
    cancelStep();
    stepTimer = window.setTimeout(function () {
      stepTimer = null;
      var next = form.querySelector("button[value=next]");
      if (document.body.contains(form) && label.querySelector("input:checked") && next) { next.click(); }
    }, 700);
  });

  function rememberScreen() {
    var form = document.querySelector("form#answers");
    var step = stepOf(form);
    if (step === null || !window.history.pushState) { return; }
    var state = window.history.state || {};
    if (restoring || state.heardStep === undefined || start) { // a shared device: no way Back to earlier answers
      window.history.replaceState({ heardStep: step }, "");
    } else if (state.heardStep !== step) {
      window.history.pushState({ heardStep: step }, "");
    }
    restoring = false;
  }

  // Back or Forward between screens: post the answers so far, asking for that screen.
  window.addEventListener("popstate", function (event) {
    var form = document.querySelector("form#answers");
    var wanted = event.state && event.state.heardStep;
    if (!form || typeof wanted !== "number" || wanted === stepOf(form) || !window.htmx) { return; }
    cancelStep();
    var to = document.createElement("input");
    to.type = "hidden"; to.name = "to"; to.value = String(wanted);
    var go = document.createElement("button");
    go.type = "submit"; go.name = "go"; go.value = "to"; go.hidden = true; go.setAttribute("formnovalidate", "");
    form.appendChild(to);
    form.appendChild(go);
    restoring = true;
    // A second Back straight after the first can come while htmx is still settling the screen it just swapped
    // in, before it has taken over that form: the click would then post the whole page, a new history entry
    // that drops every screen after it (Forward lost). Processing the form first makes htmx send it.
    window.htmx.process(form);
    go.click();
  });

  rememberScreen();

  // --- the error summary ----------------------------------------------------

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".problem-summary a[href^='#']");
    var answer = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!answer) { return; }
    event.preventDefault();
    var question = answer.closest("fieldset") || answer;
    question.scrollIntoView();
    answer.focus({ preventScroll: true });
  });

  // A staff page that came back with problems: start reading at the summary.
  var summaryOnLoad = document.querySelector("[data-focus-on-load]");
  if (summaryOnLoad) { summaryOnLoad.focus(); }

  // --- already sent ---------------------------------------------------------

  // Sent: mark this page's address, so coming Back to it asks Heard, which knows.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr;
    var id = document.querySelector("form#answers input[name=submission_id]");
    if (!xhr || !xhr.getResponseHeader("HX-Redirect") || !id || !window.history.replaceState) { return; }
    var address = window.location.pathname + window.location.search.replace(/([?&])sent=[^&]*&?/, "$1");
    address += (address.indexOf("?") === -1 ? "?" : (/[?&]$/.test(address) ? "" : "&")) + "sent=" + id.value;
    window.history.replaceState(window.history.state, "", address);
  });

  // A shared device: "thank you" replaces the form in the history.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr, address = xhr && xhr.getResponseHeader("HX-Redirect");
    if (start && address) { event.preventDefault(); window.location.replace(address); }
  });

  // A page kept whole by the browser (back-forward cache) since it was sent: ask again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && (start || /[?&]sent=/.test(window.location.search))) { window.location.reload(); }
  });

  // --- answers that wait on the device (sw.js) --------------------------------

  function toWorker(message) {
    return worker.ready.then(function (registration) {
      return new Promise(function (resolve, reject) {
        var channel = new window.MessageChannel();
        channel.port1.onmessage = function (event) { if (event.data && event.data.ok) { resolve(); } else { reject(); } };
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }

  function noop() {}

  if (worker && (/^\/t\//.test(window.location.pathname) || body.hasAttribute("data-unlock"))) {
    window.heardWorker = toWorker; // for shared.js
    worker.register("/sw.js").then(function () { return toWorker({ flush: true }); }).catch(noop);
    window.addEventListener("online", function () { toWorker({ flush: true }).catch(noop); });
  }
}());
