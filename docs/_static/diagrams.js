// Each SVG drawing on a page links to itself: a click opens it at full size, where every label
// is at its natural size however large the graph is. Local file, no network.
document.addEventListener("DOMContentLoaded", () => {
  for (const img of document.querySelectorAll("article img")) {
    if (!img.getAttribute("src").endsWith(".svg") || img.closest("a")) continue;
    const link = document.createElement("a");
    link.href = img.getAttribute("src");
    link.className = "autograd-full-size";
    link.title = "Open the drawing at full size";
    img.replaceWith(link);
    link.appendChild(img);
    hintWhenShrunk(img, link);
  }
});

// A drawing wider than the column is shrunk into it, its labels too small to read: say, under
// it, that a click shows it at full size (the hint is part of the link, so it opens it too).
function hintWhenShrunk(img, link) {
  const check = () => {
    const shrunk = img.naturalWidth > img.getBoundingClientRect().width * 1.05;
    if (!shrunk || link.querySelector(".autograd-enlarge-hint")) return;
    const hint = document.createElement("span");
    hint.className = "autograd-enlarge-hint";
    hint.textContent = "Shrunk to fit the page: click the drawing to see it at full size.";
    link.appendChild(hint);
  };
  if (img.complete) check();
  else img.addEventListener("load", check, { once: true });
  window.addEventListener("resize", check);
}
