// Template form pickers: keyboard and pointer behaviour of the type-ahead comboboxes
// (EntityPicker and the pickers built on it, MultiEntityPicker, EntityTagsPicker).
// The suggestions come from the server: HTMX fetches them as someone types (the
// input's hx-get) and swaps in the listbox; this script asks for them too when the
// input is clicked or ArrowDown is pressed on a closed list (the "picker-open" event
// the input's hx-trigger names; moving the focus alone opens nothing, so tabbing
// through a form covers no field), moves the active option with the arrow keys
// (aria-activedescendant), picks it with Enter or a click, closes the list with
// Escape, and for list fields adds and removes chips. Listeners are delegated from
// the document, so widgets HTMX swaps in work too. Without this script the inputs
// still post what was typed, which the server completes and checks.
(function () {
  "use strict";
  if (window.greenroomPickers) return; // the widgets include this file once each
  window.greenroomPickers = true;

  var TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;
  var COMBOBOX = ".picker input[role=combobox]";

  function pickerOf(input) { return input.closest(".picker"); }
  function listboxOf(input) { return document.getElementById(input.getAttribute("aria-controls")); }
  function popupOf(input) { var list = listboxOf(input); return list && list.parentElement; }
  function optionsOf(input) {
    var list = listboxOf(input);
    return list ? Array.prototype.slice.call(list.querySelectorAll("[role=option]")) : [];
  }
  function activeOf(input) {
    var id = input.getAttribute("aria-activedescendant");
    return id ? document.getElementById(id) : null;
  }
  function isOpen(input) {
    var popup = popupOf(input);
    return Boolean(popup && !popup.hidden);
  }

  function setActive(input, option) {
    optionsOf(input).forEach(function (each) {
      each.setAttribute("aria-selected", each === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function open(input) {
    var popup = popupOf(input);
    if (!popup) return;
    popup.hidden = false;
    input.setAttribute("aria-expanded", optionsOf(input).length ? "true" : "false");
  }
  function close(input) {
    var popup = popupOf(input);
    if (popup) popup.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(input, null);
  }
  function requestSuggestions(input) {
    if (!input.readOnly && !input.disabled) input.dispatchEvent(new CustomEvent("picker-open"));
  }
  function move(input, step) {
    var options = optionsOf(input);
    if (!options.length) {
      requestSuggestions(input); // the list opens with what the server answers
      return;
    }
    if (!isOpen(input)) open(input);
    var index = options.indexOf(activeOf(input));
    index = index === -1 ? (step > 0 ? 0 : options.length - 1)
                         : (index + step + options.length) % options.length;
    setActive(input, options[index]);
  }

  // List fields -----------------------------------------------------------------------
  function chipsOf(picker) { return picker.querySelector(".picker-chips"); }
  function chosenValues(picker) {
    return Array.prototype.map.call(chipsOf(picker).querySelectorAll("input[type=hidden]"),
                                    function (hidden) { return hidden.value; });
  }
  function showInputError(picker, message) {
    var line = picker.querySelector(".picker-input-error");
    if (!line) return;
    line.textContent = message;
    line.hidden = !message;
  }
  function updateFull(picker) {
    var max = parseInt(picker.dataset.maxItems, 10);
    var input = picker.querySelector("input[role=combobox]");
    if (isNaN(max) || !input) return;
    var full = chosenValues(picker).length >= max;
    input.disabled = full;
    if (full) close(input);
  }
  function addChip(picker, value) {
    var chips = chipsOf(picker);
    var max = parseInt(picker.dataset.maxItems, 10);
    if (chosenValues(picker).indexOf(value) !== -1) return true; // repeats are ignored
    if (!isNaN(max) && chosenValues(picker).length >= max) return false;
    var item = document.createElement("li");
    item.className = "picker-chip";
    var text = document.createElement("span");
    text.textContent = value;
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = chips.dataset.name;
    hidden.value = value;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "picker-chip-remove";
    remove.setAttribute("aria-label", "Remove " + value);
    remove.textContent = "\u00d7";
    item.append(text, hidden, remove);
    chips.appendChild(item);
    updateFull(picker);
    return true;
  }
  // What Enter adds when no suggestion is active: a tag (lower-cased, trimmed, checked
  // as the catalog checks tags) or, where free text is allowed, a typed entity ref.
  function addTyped(input) {
    var picker = pickerOf(input);
    var text = input.value.trim();
    if (!text) return;
    if (picker.dataset.freeText !== "true") {
      showInputError(picker, "Choose one of the suggestions.");
      return;
    }
    if (picker.dataset.picker === "tags") {
      text = text.toLowerCase();
      if (text.length > 63 || !TAG.test(text)) {
        showInputError(picker, "\u201c" + text + "\u201d is not a valid tag: use lower-case " +
          "letters, digits and \u201c:\u201d, \u201c+\u201d or \u201c#\u201d, in words " +
          "separated by single hyphens, at most 63 characters.");
        return;
      }
    }
    showInputError(picker, "");
    if (addChip(picker, text)) input.value = "";
  }

  function choose(input, option) {
    var picker = pickerOf(input);
    listboxOf(input).replaceChildren(); // these suggestions were for the text just replaced
    if (picker.dataset.picker === "single") {
      input.value = option.dataset.value;
      close(input);
      input.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    showInputError(picker, "");
    if (addChip(picker, option.dataset.value)) input.value = "";
    close(input);
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(COMBOBOX)) return;
    var active = activeOf(input);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(input, event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      if (isOpen(input) && active) {
        event.preventDefault();
        choose(input, active);
      } else if (pickerOf(input).dataset.picker !== "single") {
        event.preventDefault(); // Enter adds to a list; it does not submit the form
        addTyped(input);
      } else {
        close(input);
      }
    } else if (event.key === "Escape" && isOpen(input)) {
      event.preventDefault();
      close(input);
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(COMBOBOX)) setActive(event.target, null);
  });

  // A pointer pick: mousedown keeps the focus in the input (no blur closes the list).
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest(".picker [role=option]");
    if (!option) return;
    var input = option.closest(".picker").querySelector("input[role=combobox]");
    if (!input) return;
    event.preventDefault();
    choose(input, option);
  });

  document.addEventListener("click", function (event) {
    if (event.target.matches && event.target.matches(COMBOBOX) && !isOpen(event.target)) {
      requestSuggestions(event.target);
      return;
    }
    var remove = event.target.closest && event.target.closest(".picker-chip-remove");
    if (!remove) return;
    var picker = remove.closest(".picker");
    remove.closest(".picker-chip").remove();
    updateFull(picker);
    picker.querySelector("input[role=combobox]").focus();
  });

  // Leaving the input: with autoSelect (the default) the active suggestion is taken.
  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(COMBOBOX)) return;
    var active = activeOf(input);
    if (active && isOpen(input) && pickerOf(input).dataset.autoSelect === "true") {
      choose(input, active);
    }
    close(input);
  });

  // New suggestions arrived: show them if their input still has the focus. This runs
  // as the list is swapped in, before any key press can act on it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var source = event.detail && event.detail.elt;
    var input = source && source.matches && source.matches(COMBOBOX) ? source : null;
    if (!input && event.target.matches && event.target.matches(".picker .picker-popup")) {
      input = pickerOf(event.target).querySelector("input[role=combobox]");
    }
    if (!input) return;
    setActive(input, null);
    if (document.activeElement === input) {
      open(input);
    } else {
      close(input);
    }
  });
})();
