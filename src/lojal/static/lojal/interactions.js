// The customer page's quick entry: c = log a call, m = log a meeting, e = write an email,
// Ctrl+Enter saves, Escape closes. The forms work without this script too.
(() => {
  if (window.lojalQuickEntry) return;
  window.lojalQuickEntry = true;
  const typing = () => ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)
    || document.activeElement.isContentEditable;
  const open = (channel) => {
    const form = document.getElementById("log-form");
    if (!form) return false;
    form.hidden = false;
    const select = form.querySelector("#log-channel");
    if (select && channel) select.value = channel;
    form.querySelector("#log-subject").focus();
    return true;
  };
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-log-open]");
    if (opener) { event.preventDefault(); open(opener.dataset.logOpen); }
    if (event.target.closest("[data-log-close]")) {
      const form = document.getElementById("log-form");
      if (form) form.hidden = true;
    }
  });
  document.addEventListener("keydown", (event) => {
    const form = document.getElementById("log-form");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form && form.contains(event.target)) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (event.key === "Escape" && form && !form.hidden) { form.hidden = true; return; }
    if (typing() || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "c" && open("call")) event.preventDefault();
    else if (event.key === "m" && open("meeting")) event.preventDefault();
    else if (event.key === "e") {
      const link = document.getElementById("compose-email");
      if (link) { event.preventDefault(); window.location.href = link.href; }
    }
  });
})();
