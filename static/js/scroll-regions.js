// A table wider than the screen scrolls sideways inside its .table-responsive box. A keyboard
// user can scroll it only if the box takes focus (WCAG 2.1.1; axe scrollable-region-focusable),
// so a box that scrolls becomes a named, focusable region; one that fits stays out of the
// tab order. Checked on load, after htmx swaps and when the window changes size.
(function () {
  "use strict";

  var label = document.body.dataset.scrollRegionLabel;

  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label);
        box.dataset.scrollRegion = "1";
      } else if (box.dataset.scrollRegion) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }

  mark();
  window.addEventListener("resize", mark);
  document.body.addEventListener("htmx:afterSettle", mark);
})();
