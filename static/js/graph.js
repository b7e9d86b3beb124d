// Relation graph (Dependencies tab). Pointing at or focusing a node highlights its
// edges and fades the others; a graph taller or wider than its frame opens scrolled to
// its root. Navigation is plain links, so nothing here is needed to use the graph.
// Listeners sit on the document, so graphs swapped in by HTMX work too.
(function () {
  "use strict";
  function clear(svg) {
    svg.classList.remove("is-highlighting");
    svg.querySelectorAll(".graph-edge.is-active").forEach(function (edge) {
      edge.classList.remove("is-active");
    });
  }
  function highlight(node) {
    var svg = node.closest(".graph-svg");
    if (!svg) return;
    clear(svg);
    var id = node.getAttribute("data-node");
    svg.querySelectorAll(".graph-edge").forEach(function (edge) {
      if (edge.getAttribute("data-from") === id || edge.getAttribute("data-to") === id) {
        edge.classList.add("is-active");
      }
    });
    svg.classList.add("is-highlighting");
  }
  function nodeOf(target) {
    return target instanceof Element ? target.closest(".graph-node") : null;
  }
  function enter(event) {
    var node = nodeOf(event.target);
    if (node) highlight(node);
  }
  function leave(event) {
    var node = nodeOf(event.target);
    if (!node || nodeOf(event.relatedTarget) === node) return;
    var svg = node.closest(".graph-svg");
    if (svg) clear(svg);
  }
  function showRoot(root) {
    root.querySelectorAll(".graph-scroll").forEach(function (frame) {
      var node = frame.querySelector(".graph-node.root");
      if (!node || frame.scrollHeight <= frame.clientHeight && frame.scrollWidth <= frame.clientWidth) return;
      var box = node.getBoundingClientRect();
      var outer = frame.getBoundingClientRect();
      frame.scrollTop += box.top - outer.top - (frame.clientHeight - box.height) / 2;
      frame.scrollLeft += box.left - outer.left - 16;
    });
  }
  document.addEventListener("mouseover", enter);
  document.addEventListener("focusin", enter);
  document.addEventListener("mouseout", leave);
  document.addEventListener("focusout", leave);
  document.addEventListener("DOMContentLoaded", function () { showRoot(document); });
  document.addEventListener("htmx:afterSettle", function (event) { showRoot(event.target); });
})();
