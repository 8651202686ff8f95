// Small behaviours the pages need; everything works without them too.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("[data-autosubmit]")) target.form.submit();
  if (target.matches(".customer-form input[name=kind]")) target.form.dataset.kind = target.value;
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)) {
    const search = document.getElementById("search");
    if (search) { event.preventDefault(); search.focus(); }
  }
});
// A form marked data-reset-on-success is cleared once htmx has sent it successfully (in place of an
// inline hx-on handler, which the Content-Security-Policy forbids).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail && event.detail.elt;
  if (event.detail.successful && form && form.matches && form.matches("form[data-reset-on-success]")) form.reset();
});
/* == calllists == */
// The call-list worker: Ctrl+Enter (Cmd+Enter on a Mac) in the call form saves the call and moves on.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const form = event.target.closest && event.target.closest("form.call-log");
  if (form) { event.preventDefault(); form.requestSubmit(); }
});
