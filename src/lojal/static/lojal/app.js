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

/* == lists == */
// Picking rows for a bulk action: "select all on this page" checks every row's box, the bar says how
// many are picked, and picking rows makes the action apply to them (not to every match).
function listSelectionShow() {
  const rows = Array.from(document.querySelectorAll("[data-select-row]"));
  const picked = rows.filter((box) => box.checked).length;
  const page = document.querySelector("[data-select-page]");
  if (page) {
    page.checked = picked > 0 && picked === rows.length;
    page.indeterminate = picked > 0 && picked < rows.length;
  }
  const count = document.querySelector("[data-selected-count]");
  if (count && count.dataset.template) count.textContent = count.dataset.template.replace("{count}", String(picked));
  const selected = document.querySelector("[data-scope-selected]");
  const all = document.querySelector("[data-scope-all]");
  if (selected && picked > 0 && !(all && all.checked)) selected.checked = true;
}
document.addEventListener("change", (event) => {
  const target = event.target;
  if (!target.matches) return;
  if (target.matches("[data-select-page]")) {
    document.querySelectorAll("[data-select-row]").forEach((box) => { box.checked = target.checked; });
  }
  if (target.matches("[data-select-page], [data-select-row]")) listSelectionShow();
});
document.addEventListener("htmx:afterSettle", listSelectionShow);
document.addEventListener("DOMContentLoaded", listSelectionShow);
// One list menu (columns, saved views) open at a time; Escape closes it and gives focus back.
document.addEventListener("toggle", (event) => {
  const menu = event.target;
  if (!(menu instanceof HTMLDetailsElement) || !menu.classList.contains("list-menu") || !menu.open) return;
  document.querySelectorAll("details.list-menu[open]").forEach((other) => { if (other !== menu) other.open = false; });
}, true);
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const menu = document.activeElement && document.activeElement.closest && document.activeElement.closest("details.list-menu[open]");
  if (menu) { menu.open = false; menu.querySelector("summary").focus(); }
});
