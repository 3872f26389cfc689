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

/* The person page does not carry its folded forms: each button of its action bar (and of its
   validation panel) is a link to the form's own page, which is all there is without scripts.
   Here a click fetches the form's card from that page (?fragment=1), puts it in the fold named
   by data-fold and opens it; if the fetch fails the fold says so and links to the page. */
(function () {
  "use strict";

  function foldOf(link) { return document.getElementById(link.dataset.fold); }

  function cardUrl(link) {
    var url = new URL(link.href);
    url.searchParams.set("fragment", "1");
    return url;
  }

  function showFailure(fold, link) {
    var note = document.getElementById("fold-failed").content.cloneNode(true);
    note.querySelector("a").href = link.href;
    fold.replaceChildren(note);
  }

  /* Put the form's card in its fold; tell the drafts below, which may fill it and open it. */
  function insert(fold, link, html) {
    var card = document.createElement("template");
    card.innerHTML = html;
    var form = card.content.querySelector("form");
    if (!form) { throw new Error("no form in " + link.href); }
    fold.replaceChildren(card.content);
    document.dispatchEvent(new CustomEvent("wanted:form-added", { detail: form }));
  }

  function load(link) {
    var fold = foldOf(link);
    fold.dataset.loading = "1";
    fetch(cardUrl(link), { credentials: "same-origin" }).then(function (response) {
      if (response.redirected) {  /* signed out meanwhile: the page leads through the sign-in */
        location.assign(link.href);
        return null;
      }
      if (!response.ok) { throw new Error(response.status + " " + link.href); }
      return response.text();
    }).then(function (html) {
      if (html !== null) { insert(fold, link, html); }
    }).catch(function () {
      showFailure(fold, link);
    }).then(function () {
      delete fold.dataset.loading;
      if (fold.firstElementChild && !fold.classList.contains("show")) { openAtOnce(fold, link); }
    });
  }

  /* A fetched form has kept the officer waiting already: it is shown open, in view and focused
     in one step, with no slide. A slide would move the form (and the page's jump to it) under
     a tap on a field or on "send" that came within its third of a second, and lose the tap. */
  function openAtOnce(fold, link) {
    fold.classList.add("show");
    link.classList.remove("collapsed");
    link.setAttribute("aria-expanded", "true");
    fold.scrollIntoView({ behavior: "instant", block: "start" });
    focusFirstField(fold);
  }

  function focusFirstField(fold) {
    var field = fold.querySelector("form input:not([type=hidden]), form select, form textarea");
    if (field) { field.focus({ preventScroll: true }); }
  }

  function unfold(link) {
    var fold = foldOf(link);
    if (!fold || fold.dataset.loading) { return; }
    if (fold.querySelector("form")) {
      bootstrap.Collapse.getOrCreateInstance(fold, { toggle: false }).toggle();
    } else {
      load(link);  /* again after a failure: the connection may be back */
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-fold]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey ||
        event.altKey) {
      return;
    }
    event.preventDefault();
    unfold(link);
  });
  document.addEventListener("wanted:unfold", function (event) { unfold(event.target); });

  function linkOf(fold) { return document.querySelector('a[data-fold="' + fold.id + '"]'); }

  document.addEventListener("show.bs.collapse", function (event) {
    var link = linkOf(event.target);
    if (link) { link.setAttribute("aria-expanded", "true"); }
  });
  document.addEventListener("hide.bs.collapse", function (event) {
    var link = linkOf(event.target);
    if (link) { link.setAttribute("aria-expanded", "false"); }
  });
  /* Once open, the officer types at once: focus the first field (the page was already
     brought into view above, so focusing does not scroll it again). */
  document.addEventListener("shown.bs.collapse", function (event) {
    if (linkOf(event.target)) { focusFirstField(event.target); }
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
    document.querySelectorAll('[data-bs-target="#' + panel.id + '"], [data-fold="' + panel.id +
                              '"]').forEach(function (toggle) {
      toggle.classList.remove("collapsed");
      toggle.setAttribute("aria-expanded", "true");
    });
  }

  function keeps(form) {
    return (form.method || "").toLowerCase() === "post" && form.dataset.keepDraft !== "off" &&
      !form.querySelector("input[type=password]") && fieldsOf(form).length > 0;
  }

  function track(form) {
    restore(form);
    form.addEventListener("input", function () { save(form); });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function () {
      save(form);
      sessionStorage.setItem(SENT, keyOf(form));
    });
  }

  var expired = document.querySelector("[data-session-expired]") ||
    document.querySelector("input[type=password]");
  var sent = sessionStorage.getItem(SENT);
  if (sent && !expired && document.querySelector(".alert-success")) {
    sessionStorage.removeItem(sent);  /* the server saved it */
    sessionStorage.removeItem(SENT);
  }
  Array.prototype.filter.call(document.querySelectorAll("form"), keeps).forEach(track);
  /* A folded form of the person page arrives when opened: a draft kept for it fills it then,
     and a fold whose form has a draft is opened (fetched) at once. */
  document.addEventListener("wanted:form-added", function (event) {
    if (keeps(event.detail)) { track(event.detail); }
  });
  document.querySelectorAll("a[data-fold]").forEach(function (link) {
    if (sessionStorage.getItem(PREFIX + new URL(link.href).pathname)) {
      link.dispatchEvent(new CustomEvent("wanted:unfold", { bubbles: true }));
    }
  });
})();
