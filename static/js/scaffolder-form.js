// The template form: a range input shows its number as it moves, and after a page
// comes back with errors the first field in error takes the focus. Listeners are
// delegated from the document, so pages HTMX swaps in work too.
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var range = event.target;
    if (!range.matches || !range.matches("input[type=range][data-output]")) return;
    var output = document.getElementById(range.dataset.output);
    if (output) output.textContent = range.value;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var wizard = event.detail && event.detail.target;
    if (!wizard || wizard.id !== "template-wizard") return;
    var swapped = document.getElementById("template-wizard");
    var invalid = swapped && swapped.querySelector("[aria-invalid=true]");
    if (invalid) {
      invalid.focus();
    } else if (swapped && !swapped.contains(document.activeElement)) {
      var title = document.getElementById("wizard-page-title");
      if (title) { title.setAttribute("tabindex", "-1"); title.focus({ preventScroll: true }); }
    }
  });
})();
