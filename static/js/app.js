/* One-Stop Academy — small progressive enhancements for the shared layout. Everything works without it. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var wide = window.matchMedia("(min-width: 1120px)");

  function syncMenu() {
    var menu = document.querySelector("details[data-menu]");
    if (menu) { menu.open = wide.matches; }
  }

  function closeDropdowns(except) {
    document.querySelectorAll("details[data-dropdown][open]").forEach(function (el) {
      if (el !== except) { el.open = false; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    syncMenu();
    if (wide.addEventListener) { wide.addEventListener("change", syncMenu); }

    document.addEventListener("click", function (event) {
      var inside = event.target.closest("details[data-dropdown]");
      closeDropdowns(inside);
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var open = document.querySelector("details[data-dropdown][open]");
      if (open) {
        open.open = false;
        var summary = open.querySelector("summary");
        if (summary) { summary.focus(); }
        return;
      }
      var menu = document.querySelector("details[data-menu][open]");
      if (menu && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });

    /* Auto-submit filter forms marked data-autosubmit when a select changes (the submit button stays for no-JS). */
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit(); });
    });
  });
})();
