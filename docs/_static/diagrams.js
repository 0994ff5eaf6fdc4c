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
  }
});
