// Starts Swagger UI on Clara's /docs page. A file of its own, not an inline script, so the page's
// Content-Security-Policy can allow Clara's own scripts only.
window.ui = SwaggerUIBundle({
  url: "openapi.json",  // relative to /docs, so the page also works behind a path prefix
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayRequestDuration: true,
  validatorUrl: null,  // never send the document to an outside validator: the page must work offline
  supportedSubmitMethods: ["get", "put", "post", "delete", "patch"],
});
