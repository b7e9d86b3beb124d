// The header search box: "/" focuses it from anywhere, the suggestions HTMX swaps in
// under it are navigated with the arrow keys (Enter opens the chosen one; with none
// chosen Enter submits the form to the full results page), Escape closes them (and a
// second Escape clears the box, as in any search field).
(function () {
  "use strict";
  var input = document.getElementById("header-search");
  var panel = document.getElementById("search-suggestions");
  if (!input || !panel) return;

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  function options() { return Array.prototype.slice.call(panel.querySelectorAll("[role=option]")); }
  function open() { return options().length > 0 && !panel.hidden; }
  function active() { return panel.querySelector("[role=option][aria-selected=true]"); }

  function choose(option) {
    options().forEach(function (each) {
      var chosen = each === option;
      each.setAttribute("aria-selected", chosen ? "true" : "false");
      each.classList.toggle("active", chosen);
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    choose(null);
  }

  function move(step) {
    var all = options();
    if (!all.length) return;
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
    var index = all.indexOf(active());
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : (index + step + all.length) % all.length;
    choose(all[next]);
  }

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      var option = open() && active();
      if (option) {
        event.preventDefault();
        window.location.assign(option.href);
      }
    } else if (event.key === "Escape" && open()) {
      event.preventDefault(); // the first Escape closes the list, the next clears the box
      close();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target !== panel) return;
    var has = options().length > 0;
    panel.hidden = !has || input.value.trim() === "";
    input.setAttribute("aria-expanded", has && !panel.hidden ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
  });

  input.addEventListener("input", function () {
    if (input.value.trim() === "") close();
  });

  document.addEventListener("click", function (event) {
    if (!panel.contains(event.target) && event.target !== input) close();
  });
  input.addEventListener("focus", function () {
    if (options().length && input.value.trim() !== "") {
      panel.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  });
})();
