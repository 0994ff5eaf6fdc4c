// Two accessibility repairs for every docs page (axe-core, WCAG 2.2 AA, tests/web/test_site_pages.py):
// - a box that scrolls (a code block or drawing wider than its column, a wide table) takes the
//   keyboard focus too, so the arrow keys can scroll it (only those that do overflow, after
//   each resize);
// - a toctree caption marked role="heading" gets the level its role requires.
(() => {
  function focusable() {
    for (const pre of document.querySelectorAll("article *")) {
      const style = getComputedStyle(pre);
      const scrolling = /auto|scroll/.test(style.overflowX + style.overflowY);
      const scrolls = scrolling &&
        (pre.scrollWidth > pre.clientWidth + 1 || pre.scrollHeight > pre.clientHeight + 1);
      if (scrolls && !pre.hasAttribute("tabindex")) {
        pre.tabIndex = 0;
        pre.setAttribute("role", "region");
        pre.setAttribute("aria-label", pre.matches("pre") ? "code (scrolls)" : "scrolling box");
        pre.dataset.madeFocusable = "1";
      } else if (!scrolls && pre.dataset.madeFocusable) {
        pre.removeAttribute("tabindex");
        pre.removeAttribute("role");
        pre.removeAttribute("aria-label");
        delete pre.dataset.madeFocusable;
      }
    }
  }
  function headings() {
    for (const p of document.querySelectorAll("[role=heading]:not([aria-level])")) p.setAttribute("aria-level", "2");
  }
  document.addEventListener("DOMContentLoaded", () => { headings(); focusable(); });
  window.addEventListener("resize", focusable);
})();
