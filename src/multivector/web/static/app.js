// multivector web app: progressive enhancement only (every page works without this script).
(function () {
  "use strict";
  // Filters: changing a drop-down applies it.
  document.querySelectorAll("select.autosubmit").forEach(function (sel) {
    sel.addEventListener("change", function () { if (sel.form) { sel.form.submit(); } });
  });
  // Forms: prevent double submission.
  document.querySelectorAll("form.stack").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = "Saving…"; }
    });
  });
})();
