// The catalog API page: Swagger UI over the API's own OpenAPI document.
// Requests go to the same origin, so the browser sends the session cookie; writes
// also need Django's CSRF header, which is added here for same-origin requests only
// (a server typed into the page must never receive the token).
(function () {
  "use strict";
  var SAFE_METHODS = ["GET", "HEAD", "OPTIONS", "TRACE"];

  function cookie(name) {
    var prefix = name + "=";
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(prefix) === 0) return decodeURIComponent(parts[i].slice(prefix.length));
    }
    return "";
  }

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (error) {
      return false;
    }
  }

  function withCsrf(fallbackToken) {
    return function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (SAFE_METHODS.indexOf(method) === -1 && sameOrigin(request.url)) {
        request.headers = request.headers || {};
        request.headers["X-CSRFToken"] = cookie("csrftoken") || fallbackToken;
      }
      return request;
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("api-docs");
    if (!node || !window.SwaggerUIBundle) return;
    window.SwaggerUIBundle({
      url: node.dataset.openapiUrl,
      domNode: node,
      deepLinking: true,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      validatorUrl: null,
      requestInterceptor: withCsrf(node.dataset.csrfToken || ""),
    });
  });
})();
