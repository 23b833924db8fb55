/* Frostpress theme, run before the page is drawn: mark that scripts run, and apply the
   reader's remembered colour scheme so the page never flashes in the other one. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var theme = window.localStorage.getItem("frostpress-theme");
    if (theme === "dark" || theme === "light") { root.setAttribute("data-theme", theme); }
  } catch (e) { /* storage refused: follow the system setting */ }
})();
