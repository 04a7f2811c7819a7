/* Sakip's own script, served as a static file (the Content-Security-Policy allows no inline script).
 * A <select data-autosubmit> submits its form when changed (year and language choosers).
 * Every table of the page scrolls inside its own box rather than widening the page: a table not already
 * in a .scroll-x box is put into one, and a box that scrolls keeps its first column in view and can be
 * reached and scrolled by keyboard (tabindex, a labelled region). Without the script the pages work the same, only wider. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });

  function label(table) {
    var caption = table.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var el = table.closest(".scroll-x") || table;
    while (el && el !== document.body) {
      var prev = el.previousElementSibling;
      while (prev) {
        if (/^H[1-4]$/.test(prev.tagName)) { return prev.textContent.trim(); }
        prev = prev.previousElementSibling;
      }
      el = el.parentElement;
    }
    return document.title;
  }

  function wrapTables(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("main table").forEach(function (table) {
      if (table.parentElement && table.parentElement.classList.contains("scroll-x")) { return; }
      var box = document.createElement("div");
      box.className = "scroll-x";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
    document.querySelectorAll("main .scroll-x").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.classList.add("sticky-first");  /* the first column (the row's name) stays while scrolling */
        if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); }
        if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
        var table = box.querySelector("table");
        if (!box.hasAttribute("aria-label") && table) { box.setAttribute("aria-label", label(table)); }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { wrapTables(document); });
  document.addEventListener("htmx:load", function (event) { wrapTables(event.target); });
  window.addEventListener("resize", function () { wrapTables(document); });
})();
