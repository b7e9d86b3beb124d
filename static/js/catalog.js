// Catalog tables: on narrow screens the filters start folded (the table comes first),
// and stay as the visitor left them when HTMX swaps in new results.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 900px)");
  var wantOpen = !narrow.matches;
  function apply(root) {
    var panel = root.querySelector(".filters-panel");
    if (!panel) return;
    if (narrow.matches) panel.open = wantOpen;
    panel.addEventListener("toggle", function () { wantOpen = panel.open; });
  }
  document.addEventListener("DOMContentLoaded", function () { apply(document); });
  document.addEventListener("htmx:afterSettle", function () { apply(document); });
})();
