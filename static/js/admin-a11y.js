// Names for two widgets Django's admin builds in the browser without one (docs/accessibility.md):
// - the filter_horizontal boxes' search icon, a <span> with an aria-label (a name a span may
//   not carry): it becomes an image with that name;
// - an autocomplete field's select2 box (role "combobox") and the text box inside it, named by
//   nothing while empty: both are named by the field's own <label>.
(function () {
  "use strict";

  function mend(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (span) {
      span.setAttribute("role", "img");
    });
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
      var container = box.closest(".select2");
      var select = container && container.previousElementSibling;
      var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      if (!label || box.dataset.a11yNamed) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "_label";
      }
      var shown = box.getAttribute("aria-labelledby");
      box.setAttribute("aria-labelledby", shown ? label.id + " " + shown : label.id);
      box.querySelectorAll("[role=textbox]").forEach(function (text) {
        text.setAttribute("aria-labelledby", label.id);
      });
      box.dataset.a11yNamed = "1";
    });
  }

  new MutationObserver(function () {
    mend(document);
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () {
    mend(document);
  });
})();
