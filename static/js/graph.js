// Relation graph (Dependencies tab): pointing at or focusing a node highlights its
// edges and fades the others. Navigation is plain links, so nothing here is needed to
// use the graph. Listeners sit on the document, so graphs swapped in by HTMX work too.
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
  function nodeOf(event) {
    return event.target instanceof Element ? event.target.closest(".graph-node") : null;
  }
  function enter(event) {
    var node = nodeOf(event);
    if (node) highlight(node);
  }
  function leave(event) {
    var node = nodeOf(event);
    if (!node) return;
    var next = event.relatedTarget instanceof Element ? event.relatedTarget.closest(".graph-node") : null;
    if (next === node) return;
    var svg = node.closest(".graph-svg");
    if (svg) clear(svg);
  }
  document.addEventListener("mouseover", enter);
  document.addEventListener("focusin", enter);
  document.addEventListener("mouseout", leave);
  document.addEventListener("focusout", leave);
})();
