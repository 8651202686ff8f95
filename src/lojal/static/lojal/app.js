// Small behaviours the pages need; everything works without them too.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("[data-autosubmit]")) target.form.submit();
  if (target.matches("[data-language-select]") && !languageByKeyboard) languageSubmit(target);
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
/* == custfix == */
// The header's customer search: an ARIA combobox (role=combobox on the input, a listbox of options that
// htmx fills as staff type). Arrow keys move through the options, Enter opens the active one (or the
// list of all results), Escape closes the list, and "/" focuses the box unless typing somewhere else.
(() => {
  const box = () => document.getElementById("global-search");
  const list = () => document.getElementById("global-search-results");
  const options = () => Array.from(list().querySelectorAll("[role=option]:not([aria-disabled=true])"));
  const active = () => list().querySelector("[role=option][aria-selected=true]");
  const setOpen = (open) => {
    list().hidden = !open;
    box().setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) setActive(null);
  };
  const setActive = (option) => {
    list().querySelectorAll("[role=option]").forEach((o) => o.setAttribute("aria-selected", "false"));
    if (option) {
      option.setAttribute("aria-selected", "true");
      box().setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      box().removeAttribute("aria-activedescendant");
    }
  };
  const open = (option) => { if (option && option.dataset.href) window.location.assign(option.dataset.href); };
  const typing = (element) =>
    element && (["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName) || element.isContentEditable);
  // Capture phase, before the older "/" handler: one shortcut, one target.
  window.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || !box()) return;
    if (typing(document.activeElement)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    box().focus();
    box().select();
  }, true);
  document.addEventListener("keydown", (event) => {
    if (!box() || event.target !== box()) return;
    const found = options();
    const current = active();
    const index = current ? found.indexOf(current) : -1;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!found.length) return;
      event.preventDefault();
      if (list().hidden) setOpen(true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive(found[(index + step + found.length) % found.length]);
    } else if (event.key === "Enter" && current && !list().hidden) {
      event.preventDefault();
      open(current);
    } else if (event.key === "Escape") {
      if (!list().hidden) { event.preventDefault(); setOpen(false); }
    }
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    if (!box() || event.detail.target !== list()) return;
    setActive(null);
    setOpen(list().querySelector("[role=option]") !== null && box().value.trim().length >= 2);
  });
  document.addEventListener("click", (event) => {
    if (!box()) return;
    const option = event.target.closest && event.target.closest("#global-search-results [role=option]");
    if (option) { open(option); return; }
    if (!event.target.closest || !event.target.closest(".global-search")) setOpen(false);
  });
  document.addEventListener("mousemove", (event) => {
    const option = event.target.closest && event.target.closest("#global-search-results [role=option]:not([aria-disabled=true])");
    if (option && option !== active()) setActive(option);
  });
})();
// The merge screen: a field whose value staff have not picked follows the default rule for the customer
// now chosen to keep (that one's value, or the other's where it has none).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (!target.closest || !target.closest(".merge-form")) return;
  if (target.name && target.name.startsWith("choice-")) {
    target.closest("tr").dataset.touched = "true";
  } else if (target.name === "keep") {
    target.closest(".merge-form").querySelectorAll(".merge-choice-table tbody tr:not([data-touched])").forEach((row) => {
      row.querySelectorAll("input[data-default-when-kept]").forEach((radio) => {
        if (radio.dataset.defaultWhenKept.split(" ").includes(target.value)) radio.checked = true;
      });
    });
  }
});

// The language menu: a choice made with the mouse (or the open picker) switches at once; arrow keys on
// the closed menu only move the selection, Enter confirms it. Focus returns to the menu after the reload.
let languageByKeyboard = false;
function languageSubmit(select) {
  try { sessionStorage.setItem("lojal-focus", "language-select"); } catch (error) { /* private mode */ }
  select.form.submit();
}
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (!target.matches || !target.matches("[data-language-select]")) return;
  if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"].includes(event.key) || (event.key.length === 1 && event.key !== " ")) {
    languageByKeyboard = true;
  } else if (event.key === "Enter") {
    event.preventDefault();
    languageSubmit(target);
  }
});
document.addEventListener("pointerdown", () => { languageByKeyboard = false; });
document.addEventListener("DOMContentLoaded", () => {
  let focusId = null;
  try { focusId = sessionStorage.getItem("lojal-focus"); sessionStorage.removeItem("lojal-focus"); } catch (error) { /* private mode */ }
  const focusTarget = focusId && document.getElementById(focusId);
  if (focusTarget) focusTarget.focus();

  // The main menu collapses behind a button at narrow widths (CSS decides when; without JavaScript
  // the menu simply stays open).
  const topbar = document.querySelector(".topbar");
  const button = document.querySelector(".menu-button");
  const nav = button && document.getElementById(button.getAttribute("aria-controls"));
  if (topbar && button && nav) {
    topbar.classList.add("has-js");
    button.hidden = false;
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
  }
});
// Escape closes an open menu (the main menu or the user menu) and puts focus back on its button.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const details = document.querySelector(".usermenu[open]");
  if (details) { details.open = false; details.querySelector("summary").focus(); }
  const button = document.querySelector(".menu-button[aria-expanded=true]");
  if (button && button.offsetParent !== null && document.getElementById("mainnav").contains(document.activeElement)) {
    button.click(); button.focus();
  }
});
// A click outside the open user menu closes it.
document.addEventListener("click", (event) => {
  const details = document.querySelector(".usermenu[open]");
  if (details && !details.contains(event.target)) details.open = false;
});
// Result counts are announced: a list marks its count with the class "result-count"; after htmx swaps
// new content in, its text is copied into the page's one live region (#announcer, role=status), which
// stays in the page so screen readers hear every change (a region swapped in whole is often not read).
// A list's count is swapped out of band (hx-swap-oob into its ".result-count" paragraph): that swap is
// announced the same way.
function announceCount(event) {
  const announcer = document.getElementById("announcer");
  const target = event.detail && event.detail.target;
  if (!announcer || !target || !target.matches) return;
  const count = target.matches(".result-count") ? target : target.querySelector(".result-count");
  if (count) announcer.textContent = count.textContent.trim().replace(/\s+/g, " ");
}
document.addEventListener("htmx:afterSwap", announceCount);
document.addEventListener("htmx:oobAfterSwap", announceCount);

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
/* == calllists == */
// The call-list worker: Ctrl+Enter (Cmd+Enter on a Mac) in the call form saves the call and moves on.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const form = event.target.closest && event.target.closest("form.call-log");
  if (form) { event.preventDefault(); form.requestSubmit(); }
});

/* == look13 == */
// The service desk's bulk bar shows only the field the chosen action needs (all of them without script).
function bulkFieldsShow(select) {
  const form = select.form;
  if (!form) return;
  form.querySelectorAll("[data-bulk-for]").forEach((field) => { field.hidden = field.dataset.bulkFor !== select.value; });
}
document.addEventListener("change", (event) => {
  if (event.target.matches && event.target.matches("[data-bulk-action]")) bulkFieldsShow(event.target);
});
document.addEventListener("DOMContentLoaded", () => { document.querySelectorAll("[data-bulk-action]").forEach(bulkFieldsShow); });

/* == kbhelp == */
// The case page's article panel: the server answers "insert link" / "insert text" with the words to
// insert (htmx's HX-Trigger event); they go into the reply box at the cursor, on a line of their own.
document.addEventListener("lojal:articleInsert", (event) => {
  const box = document.getElementById("reply-text");
  const text = event.detail && event.detail.text;
  if (!box || typeof text !== "string") return;
  const start = typeof box.selectionStart === "number" ? box.selectionStart : box.value.length;
  const end = typeof box.selectionEnd === "number" ? box.selectionEnd : start;
  const before = box.value.slice(0, start);
  const after = box.value.slice(end);
  const lead = before && !before.endsWith("\n") ? "\n" : "";
  const trail = after && !after.startsWith("\n") ? "\n" : "";
  box.value = before + lead + text + trail + after;
  const caret = (before + lead + text).length;
  box.focus();
  box.setSelectionRange(caret, caret);
  box.dispatchEvent(new Event("input", { bubbles: true }));
});
