// The reading list by keyboard: J/K move between items, 1-3 choose an outcome,
// Enter records it (the page comes back on the next item), D says "I'm dealing
// with this". Everything works without this file: it only moves focus.
(function () {
  "use strict";
  function items() { return Array.prototype.slice.call(document.querySelectorAll(".reading-item")); }
  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(".reading-item") : null;
  }
  function focusItem(item) {
    if (!item) { return; }
    item.focus();
    item.scrollIntoView({ block: "start" });
  }
  function move(step) {
    var all = items();
    var index = all.indexOf(current());
    focusItem(all[Math.min(all.length - 1, Math.max(0, index + step))] || all[0]);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && target.classList.contains("reading-item")) { focusItem(target); }
    else if (location.hash === "#items") { focusItem(items()[0]); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var typing = event.target.closest && event.target.closest("textarea, input[type=text], select");
    if (typing) { return; }
    var item = current();
    var key = event.key.toLowerCase();
    if (key === "j") { move(1); event.preventDefault(); }
    else if (key === "k") { move(-1); event.preventDefault(); }
    else if (item && /^[1-3]$/.test(key)) {
      var choice = item.querySelector('input[name=outcome][data-key="' + key + '"]');
      if (!choice) { return; }
      choice.checked = true;
      event.preventDefault();
      if (choice.value === "concern") { item.querySelector("textarea[name=note]").focus(); }
      else { item.querySelector(".outcome-form button[type=submit]").focus(); }
    } else if (item && key === "d") {
      var dealing = item.querySelector("button[data-dealing]");
      if (dealing) { dealing.click(); event.preventDefault(); }
    }
  });
})();
