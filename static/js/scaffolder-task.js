// Task pages: keep the log scrolled to its newest line while the reader is at the
// bottom. Scrolling up pauses that (new lines still arrive below) and shows a button
// that jumps back; scrolling down to the end resumes it. HTMX appends the lines; this
// only decides where the log is scrolled, which HTMX cannot.
(function () {
  "use strict";
  var NEAR = 32; // px from the end that still counts as "at the newest line"

  function atEnd(box) {
    return box.scrollHeight - box.scrollTop - box.clientHeight <= NEAR;
  }

  function follow(box) {
    var button = document.querySelector("[data-log-follow]");
    var following = true;

    function show() { if (button) button.hidden = following; }
    function toEnd() { box.scrollTop = box.scrollHeight; }

    // A link to one line (#event-123) opens there, not at the end.
    if (location.hash && box.querySelector(location.hash.replace(/[^#\w-]/g, ""))) {
      following = false;
    } else {
      toEnd();
    }
    show();
    box.addEventListener("scroll", function () {
      following = atEnd(box);
      show();
    }, { passive: true });
    new MutationObserver(function () {
      if (following) toEnd();
    }).observe(box, { childList: true, subtree: true });
    if (button) {
      button.addEventListener("click", function () {
        following = true;
        toEnd();
        show();
      });
    }
  }

  // The log is replaced when another step is picked: set up each new one once.
  function setUp() {
    document.querySelectorAll("[data-log]:not([data-following])").forEach(function (box) {
      box.setAttribute("data-following", "");
      follow(box);
    });
  }
  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:afterSettle", setUp);
})();
