// Behaviour shared by every page, bound here rather than in inline handlers (the CSP forbids them).
document.addEventListener("click", function (event) {
  const printer = event.target.closest("[data-action=print]");
  if (printer) {
    window.print();
  }
});

/* Small behaviours of the intranet pages; no inline scripts (the CSP forbids them). */
(function () {
  "use strict";

  /* A form opened from the person page's action bar is brought into view in one jump once it
     has slid open: a smooth scroll would move the page under the officer's next tap for up to a
     second, and a tap whose finger is lifted elsewhere is lost (or lands on something else). */
  document.addEventListener("shown.bs.collapse", function (event) {
    if (event.target.closest("#pursuit")) {
      event.target.scrollIntoView({ behavior: "instant", block: "start" });
    }
  });
})();

/* What an officer types into a form is kept in this browser tab (sessionStorage) until the
   server says it was saved, so an expired session or form token loses nothing: after signing in
   again the form's page fills it back in. */
(function () {
  "use strict";
  var PREFIX = "wanted-draft:";
  var SENT = "wanted-draft-sent";
  var SKIP_TYPES = ["file", "password", "hidden", "submit", "button", "reset"];

  function keyOf(form) { return PREFIX + new URL(form.action, location.href).pathname; }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && SKIP_TYPES.indexOf(el.type) < 0;
    });
  }

  function tracked() {
    return Array.prototype.filter.call(document.querySelectorAll("form"), function (form) {
      return (form.method || "").toLowerCase() === "post" && form.dataset.keepDraft !== "off" &&
        !form.querySelector("input[type=password]") && fieldsOf(form).length > 0;
    });
  }

  function save(form) {
    var data = {};
    fieldsOf(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name + "=" + el.value] = el.checked;
      } else {
        data[el.name] = el.value;
      }
    });
    try { sessionStorage.setItem(keyOf(form), JSON.stringify(data)); } catch (e) { /* full */ }
  }

  function restore(form) {
    var saved = sessionStorage.getItem(keyOf(form));
    if (!saved) { return false; }
    var data = JSON.parse(saved);
    fieldsOf(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        var key = el.name + "=" + el.value;
        if (key in data) { el.checked = data[key]; }
      } else if (el.name in data) {
        el.value = data[el.name];
      }
    });
    var note = document.createElement("div");
    note.className = "alert alert-info py-1 small";
    note.setAttribute("data-testid", "draft-restored");
    note.textContent = document.body.dataset.draftRestored;
    form.insertBefore(note, form.firstChild);
    var panel = form.closest(".collapse");
    if (panel) { openAtOnce(panel); }
    /* Shown in place before the officer can reach it: no slide, no smooth scroll, so that
       nothing moves under a tap on "send" (a moving page loses the tap). */
    note.scrollIntoView({ behavior: "instant", block: "start" });
    return true;
  }

  /* Open a folded panel without its slide, and tell its toggles it is open. */
  function openAtOnce(panel) {
    panel.classList.add("show");
    if (!panel.id) { return; }
    document.querySelectorAll('[data-bs-target="#' + panel.id + '"]').forEach(function (toggle) {
      toggle.classList.remove("collapsed");
      toggle.setAttribute("aria-expanded", "true");
    });
  }

  var expired = document.querySelector("[data-session-expired]") ||
    document.querySelector("input[type=password]");
  var sent = sessionStorage.getItem(SENT);
  if (sent && !expired && document.querySelector(".alert-success")) {
    sessionStorage.removeItem(sent);  /* the server saved it */
    sessionStorage.removeItem(SENT);
  }
  tracked().forEach(function (form) {
    restore(form);
    form.addEventListener("input", function () { save(form); });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function () {
      save(form);
      sessionStorage.setItem(SENT, keyOf(form));
    });
  });
})();
