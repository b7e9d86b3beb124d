// API definitions on entity pages: boots Swagger UI for OpenAPI definitions.
// The definition's address comes from the host element's data-swagger-url (the raw
// endpoint, same origin). "Try it out" is off: catalog APIs point at other servers,
// and a request from this page would carry the visitor's browser to them.
// Runs on page load and again on every HTMX swap (the API tab can arrive by HTMX).
(function () {
  "use strict";

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (error) {
      return false;
    }
  }

  function boot(root) {
    if (!window.SwaggerUIBundle || !root || !root.querySelectorAll) return;
    var hosts = root.querySelectorAll("[data-swagger-url]");
    if (root.matches && root.matches("[data-swagger-url]")) hosts = [root].concat(Array.from(hosts));
    Array.prototype.forEach.call(hosts, function (node) {
      var url = node.dataset.swaggerUrl;
      if (node.dataset.swaggerBooted || !url || !sameOrigin(url)) return;
      node.dataset.swaggerBooted = "1";
      window.SwaggerUIBundle({
        url: url,
        domNode: node,
        presets: [window.SwaggerUIBundle.presets.apis],
        layout: "BaseLayout",
        deepLinking: false,
        queryConfigEnabled: false,
        supportedSubmitMethods: [],
        tryItOutEnabled: false,
        validatorUrl: null,
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    boot(document);
  });
  document.addEventListener("htmx:load", function (event) {
    boot(event.detail && event.detail.elt);
  });
})();
