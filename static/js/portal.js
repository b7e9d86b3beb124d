// Greenroom shell behaviour: the phone-sized navigation toggle. Everything else is
// server-rendered; HTMX handles partial updates.
(function () {
  "use strict";
  if (window.htmx) {
    // Match htmx 4's default now, so attributes never leak into children by accident.
    window.htmx.config.disableInheritance = true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    var sidebar = document.getElementById("sidebar");
    if (!toggle || !sidebar) return;
    function setOpen(open) {
      sidebar.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      setOpen(!sidebar.classList.contains("open"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && sidebar.classList.contains("open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  });
})();
