// Greenroom shell behaviour: the phone-sized navigation toggle, dropdown menus, copy
// buttons, confirmations and avatar fallbacks. Everything else is server-rendered;
// HTMX handles partial updates. Listeners are delegated from the document, so content
// HTMX swaps in works too, and no page needs an inline script or handler.
(function () {
  "use strict";
  if (window.htmx) {
    // Match htmx 4's default now, so attributes never leak into children by accident.
    window.htmx.config.disableInheritance = true;
  }

  // Pictures from other hosts (img[data-fallback]) that fail to load are removed, so
  // the initials under them show. Errors do not bubble: listen while capturing, and
  // check the images that failed before this script ran.
  function dropBroken(img) {
    if (img.matches && img.matches("img[data-fallback]")) img.remove();
  }
  document.addEventListener("error", function (event) { dropBroken(event.target); }, true);
  document.querySelectorAll("img[data-fallback]").forEach(function (img) {
    // A loaded SVG may have no natural size either; decoding tells them apart.
    if (img.complete && img.naturalWidth === 0) {
      img.decode().catch(function () { dropBroken(img); });
    }
  });

  // Copying: [data-copy-href] copies its link's absolute address (a plain link without
  // JavaScript), [data-copy-from] the text of the element its selector names (those
  // buttons are hidden until this script shows them).
  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    area.remove();
    return copied;
  }
  function copyText(text) {
    // The Clipboard API needs a secure context (https or localhost); plain http
    // intranet hosts fall back to copying a selection, then to a prompt.
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        if (!copyWithSelection(text)) throw new Error("copy refused");
      });
    }
    return copyWithSelection(text) ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function confirmCopied(control) {
    var label = control.querySelector("[data-copy-label]") || control;
    if (!label.dataset.label) label.dataset.label = label.textContent;
    label.textContent = "Copied";
    window.setTimeout(function () { label.textContent = label.dataset.label; }, 2000);
  }
  function showCopyButtons(root) {
    root.querySelectorAll("[data-copy-from][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }
  document.addEventListener("click", function (event) {
    var control = event.target.closest("[data-copy-href], [data-copy-from]");
    if (!control) return;
    event.preventDefault();
    var source = control.dataset.copyFrom && document.querySelector(control.dataset.copyFrom);
    var text = control.hasAttribute("data-copy-href") ? control.href : (source ? source.textContent : "");
    copyText(text).then(function () { confirmCopied(control); }, function () {
      window.prompt("Copy this:", text);
    });
  });

  // form[data-confirm]: ask before submitting (unregistering, deleting).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // details[data-menu]: one open at a time; an outside click or Escape closes it.
  function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== except) menu.open = false;
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details[data-menu]"));
  });

  document.addEventListener("DOMContentLoaded", function () { showCopyButtons(document); });
  document.addEventListener("htmx:afterSettle", function (event) { showCopyButtons(event.target); });

  // The phone-sized navigation: the menu button opens the sidebar, Escape closes it
  // (or the open dropdown menu first).
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    var sidebar = document.getElementById("sidebar");
    function setOpen(open) {
      sidebar.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    if (toggle && sidebar) {
      toggle.addEventListener("click", function () {
        setOpen(!sidebar.classList.contains("open"));
      });
    }
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var menu = document.querySelector("details[data-menu][open]");
      if (menu) {
        menu.open = false;
        menu.querySelector("summary").focus();
      } else if (toggle && sidebar && sidebar.classList.contains("open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  });
})();
