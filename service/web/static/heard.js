/* Heard: small enhancements on top of pages that work without JavaScript.
   - Read-aloud buttons: a recorded file when the survey names one, else the
     device's own voice for the page's language; a button with neither stays
     hidden (never a button that does nothing).
   - After htmx swaps a form in: move focus to what changed.
   - When sending fails on a bad connection: say so, keep every answer, and
     let the person send again (same submission id, so it is stored once). */
(function () {
  "use strict";

  var pageLang = (document.documentElement.lang || "en").toLowerCase();
  var synth = window.speechSynthesis;
  var voice = null;
  var player = null;

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

  function sendFailed(show) {
    var box = document.getElementById("send-failed");
    if (!box) { return; }
    box.hidden = !show;
    if (show) { box.focus(); }
  }

  document.addEventListener("htmx:beforeRequest", function () { sendFailed(false); });

  // No answer at all (offline, dropped connection): nothing was swapped, so
  // every answer is still in the form; the same button sends them again.
  document.addEventListener("htmx:sendError", function () { sendFailed(true); });
  document.addEventListener("htmx:timeout", function () { sendFailed(true); });

  // A new screen or the problems came in: start reading there.
  document.addEventListener("htmx:afterSwap", function () {
    showSpeakButtons();
    var target = document.getElementById("problems") || document.getElementById("progress");
    if (target) { target.focus(); }
  });
}());
