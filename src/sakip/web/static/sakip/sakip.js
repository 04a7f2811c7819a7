/* Sakip's own script, served as a static file (the Content-Security-Policy allows no inline script).
 * A <select data-autosubmit> submits its form when changed (year and language choosers). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
