/* golive report: expand or collapse every check, and print what is open with its evidence. The
   page's CSP admits this script by its SHA-256 hash only; without it the page works as plain HTML. */
(function () {
  "use strict";
  var doc = document;
  function all(selector) { return Array.prototype.slice.call(doc.querySelectorAll(selector)); }
  all("[data-golive-toggle]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-golive-toggle") === "open";
      all("details.check, details.ev").forEach(function (item) { item.open = open; });
    });
  });
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = all("details.check[open] details:not([open])");
    opened.forEach(function (item) { item.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (item) { item.open = false; });
    opened = [];
  });
  function reveal() {
    var target = location.hash && doc.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
}());
