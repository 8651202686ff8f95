// Behaviours of the public chat page; it works without them too.
// A form marked data-reset-on-success is cleared once htmx has sent it successfully (in place of an
// inline hx-on handler, which the Content-Security-Policy forbids).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail && event.detail.elt;
  if (event.detail.successful && form && form.matches && form.matches("form[data-reset-on-success]")) form.reset();
});
