// The playground page: asks the Worker (Python, autograd.web.Session) and shows its answers.
// Text is only ever set with textContent; drawings are SVG made by the wasm Graphviz from the
// DOT text the package writes. The URL carries the state, so any step can be linked to.
"use strict";
const $ = (id) => document.getElementById(id);
// The training tab's link: data, network, optimiser, seed, epoch reached, chosen point, the
// learner's point edits, and the controls a teacher's link hides.
const TRAIN_KEYS = ["data", "hidden", "act", "opt", "lr", "tseed", "epoch", "point", "edits", "hide"];
const RESERVED = new Set(["tab", "expr", "step", "mode", "seed", "size", "lang", ...TRAIN_KEYS]);
const params = new URLSearchParams(location.search);

// ---- the page's language: ?lang=zh, else the browser's first English or Chinese ------------
const lang = (() => {
  const wanted = params.get("lang") ? [params.get("lang")] : (navigator.languages || [navigator.language || "en"]);
  return wanted.map((l) => String(l).toLowerCase().slice(0, 2)).find((l) => l in MESSAGES) || "en";
})();
// A message with its {name} placeholders filled in: always text, never markup.
function T(key, vars = {}) {
  return MESSAGES[lang][key].replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}
// A message into an element: `code` spans become <code> elements (made here, not parsed).
function fill(element, text) {
  element.replaceChildren(...text.split("`").map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const code = document.createElement("code");
    code.textContent = part;
    return code;
  }));
}
function translatePage() {
  document.documentElement.lang = lang;
  for (const e of document.querySelectorAll("[data-i18n]")) fill(e, T(e.dataset.i18n));
  for (const e of document.querySelectorAll("[data-i18n-title]")) e.title = T(e.dataset.i18nTitle);
  for (const e of document.querySelectorAll("[data-i18n-label]")) e.setAttribute("aria-label", T(e.dataset.i18nLabel));
  for (const e of document.querySelectorAll("[data-i18n-name]")) e.dataset.name = T(e.dataset.i18nName);
  const other = lang === "zh" ? "en" : "zh";
  const link = document.getElementById("other-language");
  link.lang = other;
  const q = new URLSearchParams(location.search);
  q.set("lang", other);
  link.href = "?" + q.toString();
}
translatePage();

// ---- the Worker: one request at a time, answers matched by id ----------------------------
let worker, nextId = 1, pending = new Map(), busyTimer = null;
function startWorker() {
  worker = new Worker("worker.js", { type: "module" });
  worker.onmessage = (e) => {
    const { id, answer } = e.data;
    if (id === 0) return started(answer);
    const resolve = pending.get(id);
    pending.delete(id);
    if (!pending.size) { clearTimeout(busyTimer); $("stop").hidden = true; }
    if (resolve) resolve(answer);
  };
}
function ask(request) {
  const id = nextId++;
  clearTimeout(busyTimer);
  busyTimer = setTimeout(() => { $("stop").hidden = false; }, 400);
  return new Promise((resolve) => { pending.set(id, resolve); worker.postMessage({ id, request }); });
}
$("stop").addEventListener("click", () => {
  worker.terminate();
  for (const resolve of pending.values()) resolve({ ok: false, error: "stopped" });
  pending.clear();
  $("stop").hidden = true;
  training = false;
  status(T("stopped"));
  startWorker();
});
const vizReady = Viz.instance();
function status(text) { $("status").textContent = text; }
async function drawInto(box, dot) {
  const viz = await vizReady;
  const svg = viz.renderSVGElement(dot);
  svg.setAttribute("aria-hidden", "true");  // its text alternative is the list under it
  box.replaceChildren(svg);
  zoomable(box);
  box.setAttribute("aria-label", T("region", { name: box.dataset.name }));
  box.zoom = readableZoom(box);
  applyZoom(box);
  describeDrawing(box);
}

// ---- drawings: readable at any width --------------------------------------------------------
// A drawing is shown at the size that fits its box, unless its text would then be smaller than
// MIN_TEXT_PX: then at that size, and its box scrolls (touch, wheel, arrow keys once focused).
// The buttons (and + - 0 on the focused drawing) zoom: no dragging is needed.
const MIN_TEXT_PX = 11, PT = 4 / 3;
function natural(svg) { return { w: parseFloat(svg.getAttribute("width")) * PT, h: parseFloat(svg.getAttribute("height")) * PT }; }
function smallestFont(svg) {
  const sizes = [...svg.querySelectorAll("text[font-size]")].map((t) => parseFloat(t.getAttribute("font-size")) * PT);
  return sizes.length ? Math.min(...sizes) : 14;
}
function fitZoom(box) {
  const svg = box.querySelector("svg");
  return svg ? Math.min(1, (box.clientWidth - 2) / natural(svg).w) : 1;
}
function readableZoom(box) {
  const svg = box.querySelector("svg");
  return svg ? Math.max(fitZoom(box), MIN_TEXT_PX / smallestFont(svg)) : 1;
}
function applyZoom(box) {
  const svg = box.querySelector("svg");
  if (!svg) return;
  const { w, h } = natural(svg);
  svg.style.width = w * box.zoom + "px";
  svg.style.height = h * box.zoom + "px";
  box.previousElementSibling.querySelector(".percent").textContent = Math.round(100 * box.zoom) + "%";
  box.dataset.textPx = (smallestFont(svg) * box.zoom).toFixed(1);
}
function zoomBy(box, factor) { box.zoom = Math.max(0.1, Math.min(4, box.zoom * factor)); applyZoom(box); }
function zoomable(box) {
  if (box.previousElementSibling && box.previousElementSibling.classList.contains("zoom")) return;
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", T("region", { name: box.dataset.name }));
  const bar = document.createElement("div");
  bar.className = "zoom";
  const button = (text, label, act) => {
    const b = document.createElement("button");
    b.textContent = text; b.setAttribute("aria-label", T(label, { name: box.dataset.name }));
    b.addEventListener("click", act);
    bar.append(b);
  };
  button("−", "zoom_out", () => zoomBy(box, 1 / 1.25));
  button("+", "zoom_in", () => zoomBy(box, 1.25));
  button(T("fit"), "fit_label", () => { box.zoom = fitZoom(box); applyZoom(box); });
  button(T("readable"), "readable_label", () => { box.zoom = readableZoom(box); applyZoom(box); });
  const percent = document.createElement("span");
  percent.className = "percent";
  bar.append(percent);
  box.before(bar);
  box.addEventListener("keydown", (e) => {
    if (e.key === "+" || e.key === "=") zoomBy(box, 1.25);
    else if (e.key === "-") zoomBy(box, 1 / 1.25);
    else if (e.key === "0") { box.zoom = fitZoom(box); applyZoom(box); } else return;
    e.preventDefault();
  });
  const alt = document.createElement("details");
  alt.className = "alt";
  const summary = document.createElement("summary");
  summary.textContent = T("as_text");
  alt.append(summary, document.createElement("ul"));
  box.after(alt);
}
// The text alternative: each node's own text (the same labels the drawing shows), in order.
function describeDrawing(box) {
  const list = box.nextElementSibling.querySelector("ul");
  list.replaceChildren();
  for (const node of box.querySelectorAll("g.node")) {
    const words = [...node.querySelectorAll("text")].map((t) => t.textContent.trim()).filter(Boolean);
    if (!words.length) continue;
    const item = document.createElement("li");
    item.textContent = (node.classList.contains("current") ? T("this_step") : "") + words.join(" · ");
    list.append(item);
  }
}
window.addEventListener("resize", () => {
  for (const box of document.querySelectorAll(".drawing")) if (box.querySelector("svg")) { box.zoom = readableZoom(box); applyZoom(box); }
  if (trained) { drawBoundary(trained); drawLoss(lossHistory); }
  keepFocusClear();
});
// Nothing focused hides under the sticky bar: the page scrolls with the bar's height kept clear.
function keepFocusClear() { document.documentElement.style.scrollPaddingTop = ($("bar").offsetHeight + 8) + "px"; }
function showError(id, text) { $(id).hidden = !text; $(id).textContent = text || ""; }
// After a refused expression, what is still shown belongs to the last one that worked.
function markStale(stale) {
  for (const id of ["leaves", "bar", "drawing"]) $(id).classList.toggle("stale", stale);
  for (const control of $("bar").querySelectorAll("button, input")) control.disabled = stale;
  for (const control of $("leaves").querySelectorAll("input")) control.disabled = stale;
  $("counter").dataset.stale = stale ? "1" : "";
  if (stale) $("counter").textContent = T("stale");
}

// ---- tabs (the ARIA tabs pattern: arrows, Home and End move between them) -------------------
let tab = ["graph", "train", "exercise", "engine"].includes(params.get("tab")) ? params.get("tab") : "graph";
const tabs = [...document.querySelectorAll("[role=tab]")];
function showTab(name) {
  tab = name;
  for (const b of tabs) {
    const on = b.dataset.tab === name;
    b.setAttribute("aria-selected", String(on));
    b.tabIndex = on ? 0 : -1;
    $("tab-" + b.dataset.tab).hidden = !on;
  }
  for (const box of $("tab-" + name).querySelectorAll(".drawing")) if (box.querySelector("svg")) { box.zoom = readableZoom(box); applyZoom(box); }
  if (name === "train" && trained) { drawBoundary(trained); drawLoss(lossHistory); }
  updateUrl();
}
for (const b of tabs) {
  b.addEventListener("click", () => showTab(b.dataset.tab));
  b.addEventListener("keydown", (e) => {
    const i = tabs.indexOf(b);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length];
    showTab(next.dataset.tab);
    next.focus();
  });
}

// ---- expression: frames of the backward pass -------------------------------------------------
let result = null, at = 0, reached = Infinity, asked = [], playing = null, drawn = 0;
const wantStep = params.get("step");
if (params.get("expr") !== null) $("expr").value = params.get("expr");
$("quizmode").checked = params.get("mode") === "quiz";
function leafValues() {
  const values = {};
  for (const input of document.querySelectorAll(".leaf input[type=number]")) values[input.dataset.name] = input.value;
  return values;
}
async function redraw(values, keepStep) {
  const answer = await ask({ do: "graph", expr: $("expr").value, values, quiz: $("quizmode").checked, lang });
  if (!answer.ok) {
    showError("graph-error", answer.error);
    document.body.dataset.error = "1";
    markStale(true);
    updateUrl();
    return;
  }
  showError("graph-error", "");
  delete document.body.dataset.error;
  markStale(false);
  const rebuild = !result || result.leaves.map((l) => l.name).join() !== answer.leaves.map((l) => l.name).join();
  result = answer;
  if (rebuild) buildLeaves(answer.leaves);
  const n = answer.frames.length - 1;
  $("slider").max = n;
  reached = answer.quiz ? 0 : n;
  asked = [];
  $("quiz").hidden = true;
  if (answer.quiz) skipUnasked();
  const step = keepStep ?? 0;
  await go(step === "end" ? n : Math.min(Number(step) || 0, n));
}
function buildLeaves(leaves) {
  const box = $("leaves");
  box.replaceChildren();
  for (const leaf of leaves) {
    const span = document.createElement("span");
    span.className = "leaf";
    const name = document.createElement("label");
    name.textContent = leaf.name + " =";
    const num = document.createElement("input");
    num.type = "number"; num.step = "0.01"; num.value = leaf.value; num.dataset.name = leaf.name;
    const range = document.createElement("input");
    range.type = "range"; range.step = "0.01";
    range.min = Math.min(-5, leaf.value); range.max = Math.max(5, leaf.value); range.value = leaf.value;
    range.setAttribute("aria-label", leaf.name);
    const live = () => { clearTimeout(live.timer); live.timer = setTimeout(() => redraw(leafValues(), at), 60); };
    range.addEventListener("input", () => { num.value = range.value; live(); });
    num.addEventListener("change", () => { range.value = num.value; live(); });
    name.htmlFor = num.id = "leaf-" + leaf.name;
    span.append(name, num, range);
    box.append(span);
  }
}
async function go(k) {
  if (!result) return;
  const n = result.frames.length - 1;
  k = Math.max(0, Math.min(n, k));
  if (k > reached) { askQuiz(); k = reached; }
  at = k;
  const frame = result.frames[at];
  $("slider").value = at;
  $("counter").textContent = at === 0 ? T("start") : T("step_of", { k: at, n });
  $("text").textContent = frame.text;
  await drawInto($("drawing"), frame.dot);
  document.body.dataset.step = String(at);
  document.body.dataset.node = frame.node;
  document.body.dataset.drawn = String(++drawn);
  if (drawn === 1) document.body.dataset.firstDrawingMs = String(Math.round(performance.now()));
  updateUrl();
}
// Quiz mode: a step opens only once its gradients are answered (or shown).
function skipUnasked() {
  while (reached + 1 < result.frames.length && result.quiz.frames[reached + 1].length === 0) reached++;
}
function askQuiz() {
  const k = reached + 1;
  asked = result.quiz.frames[k];
  asked.forEach((q) => { q.tries = q.tries || 0; });
  $("quiz").hidden = false;
  $("question").textContent = T("question", { step: result.frames[k].text.split("\n")[0] });
  const box = $("quiz-fields");
  box.replaceChildren();
  asked.forEach((q, i) => {
    const row = document.createElement("div");
    const label = document.createElement("label");
    label.textContent = q.label + " =";
    const input = document.createElement("input");
    input.id = label.htmlFor = "quiz-" + i;
    input.inputMode = "decimal";  // a phone shows its number keyboard
    input.autocomplete = "off";
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") $("quiz-check").click(); });
    const mark = document.createElement("span");
    mark.id = "quiz-mark-" + i;
    row.append(label, input, mark);
    box.append(row);
  });
}
// As autograd.viz.quiz.close: an infinite or nan exact value is matched only by itself.
function near(answer, exact) {
  exact = Number(exact);  // "Infinity" and "NaN" arrive as text (JSON has neither)
  if (answer === null) return false;
  if (!isFinite(answer) || !isFinite(exact)) {
    return answer === exact || (Number.isNaN(answer) && Number.isNaN(exact));
  }
  return Math.abs(answer - exact) <= result.quiz.atol + result.quiz.rtol * Math.abs(exact);
}
// A typed answer as a number in the grammar of autograd.viz.quiz.read_number (DECIMAL; not
// Number()'s, which takes "0x10" and ""); null for no number, as its None.
// tests/viz/test_number_reading.py runs the two on the same text.
function typedNumber(text) {
  const blanks = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;
  const decimal = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?|inf|infinity|nan)$/i;
  const parts = text.replace(blanks, "").replace(/\u2212/g, "-").replace(/,/g, ".")
    .replace(/\u221e/g, "inf").split("/").map((p) => p.replace(blanks, ""));
  if (parts.length > 2 || !parts.every((p) => decimal.test(p))) return null;
  const numbers = parts.map((p) => {
    const word = p.replace(/^[+-]/, "").toLowerCase();
    const sign = p.startsWith("-") ? -1 : 1;
    return word === "nan" ? NaN : word.startsWith("inf") ? sign * Infinity : Number(p);
  });
  if (numbers.length === 1) return numbers[0];
  return numbers[1] === 0 ? null : numbers[0] / numbers[1];
}
// What a wrong answer most likely means at this step (quiz.typical_mistakes), or "".
function typical(answer, q) {
  for (const [wrong, why] of q.mistakes || []) if (near(answer, wrong)) return why;
  return "";
}
// The score: questions answered right at the first try, of those answered or shown.
let quizRight = 0, quizTotal = 0;
function quizScore() { $("quiz-score").textContent = T("score", { right: quizRight, total: quizTotal }); }
function quizOpen() { reached++; skipUnasked(); asked = []; $("quiz").hidden = true; quizScore(); go(reached); }
$("quiz-check").addEventListener("click", () => {
  let all = true;
  asked.forEach((q, i) => {
    const typed = $("quiz-" + i).value;
    const answer = typedNumber(typed);
    const ok = near(answer, q.exact);
    if (!q.solved) {
      if (q.tries++ === 0) { quizTotal++; if (ok) quizRight++; }
      q.solved = ok;
    }
    const notNumber = answer === null && typed.trim() !== "";
    const why = ok || notNumber ? "" : typical(answer, q);
    $("quiz-mark-" + i).textContent = ok ? T("right") : notNumber ? T("not_number")
      : why ? T("wrong_because", { why }) : T("not_yet");
    $("quiz-mark-" + i).className = ok ? "right" : "wrong";
    all = all && ok;
  });
  quizScore();
  if (all && asked.length) quizOpen();
});
$("quiz-reveal").addEventListener("click", () => {
  if (!asked.length) return;
  for (const q of asked) if (!q.tries) { q.tries = 1; quizTotal++; }
  quizOpen();
});
$("draw").addEventListener("click", () => { result = null; redraw(leafValues(), 0); });
$("expr").addEventListener("keydown", (e) => { if (e.key === "Enter") $("draw").click(); });
$("quizmode").addEventListener("change", () => redraw(leafValues(), 0));
$("first").addEventListener("click", () => go(0));
$("prev").addEventListener("click", () => go(at - 1));
$("next").addEventListener("click", () => go(at + 1));
$("last").addEventListener("click", () => go(Infinity));
$("slider").addEventListener("input", () => go(Number($("slider").value)));
$("play").addEventListener("click", () => {
  if (playing) { clearInterval(playing); playing = null; $("play").textContent = T("play"); return; }
  if (result && at >= result.frames.length - 1) go(0);
  $("play").textContent = T("pause_play");
  playing = setInterval(() => {
    if (!result || at >= Math.min(reached, result.frames.length - 1)) { $("play").click(); return; }
    go(at + 1);
  }, 1200);
});
// Copy the link; where the page may not use the clipboard, show the link to copy by hand.
$("share").addEventListener("click", async () => {
  const said = $("share-said");
  try {
    await navigator.clipboard.writeText(location.href);
    said.textContent = T("link_copied");
  } catch {
    const field = document.createElement("input");
    field.type = "text"; field.readOnly = true; field.value = location.href;
    field.setAttribute("aria-label", T("the_link"));
    said.replaceChildren(T("copy_this"), field);
    field.select();
  }
});
function updateUrl() {
  const q = new URLSearchParams();
  if (tab !== "graph") q.set("tab", tab);
  q.set("expr", $("expr").value);
  for (const [name, value] of Object.entries(leafValues())) if (!RESERVED.has(name)) q.set(name, value);
  if (result && at === result.frames.length - 1 && at > 0) q.set("step", "end");
  else q.set("step", String(at));
  if ($("quizmode").checked) q.set("mode", "quiz");
  if (params.get("lang")) q.set("lang", lang);
  if (tab === "exercise") { q.set("seed", $("seed").value); q.set("size", $("size").value); }
  if (tab === "train" && trained) {
    for (const [key, id] of [["data", "dataset"], ["hidden", "hidden"], ["act", "activation"], ["opt", "optimiser"], ["lr", "lr"], ["tseed", "tseed"]]) q.set(key, $(id).value);
    q.set("epoch", String(trained.epoch));
    if (edits.length) q.set("edits", JSON.stringify(edits));
    if (chosenPoint !== null) q.set("point", String(chosenPoint));
  }
  if (tab === "train" && params.get("hide")) q.set("hide", params.get("hide"));
  history.replaceState(null, "", "?" + q.toString());
}

// ---- training ---------------------------------------------------------------------------------
let training = false, trained = null;
// every loss of this run: the train answer brings the history once (a replayed link's), each
// epoch's answer only its own loss, so that answers do not grow with the epochs
let lossHistory = [];
async function epoch(first, replay = {}) {
  const request = first
    ? { do: "train", dataset: $("dataset").value, hidden: $("hidden").value, activation: $("activation").value,
        optimiser: $("optimiser").value, lr: $("lr").value, seed: $("tseed").value, ...replay }
    : { do: "epoch" };
  if (first) { edits = replay.edits || []; chosenPoint = null; }
  const answer = await ask(request);
  if (!answer.ok) { showError("train-error", answer.error); if (answer.diverged) { trained = null; document.body.dataset.diverged = "1"; } training = false; trainButtons(); return false; }
  showError("train-error", "");
  trained = answer;
  if (first) lossHistory = answer.losses.slice(); else lossHistory.push(answer.loss);
  $("train-status").textContent = T("epoch_status", { epoch: answer.epoch, loss: answer.loss.toFixed(4), accuracy: (100 * answer.accuracy).toFixed(1) });
  drawBoundary(answer);
  drawLoss(lossHistory);
  fill($("loss-figure").querySelector("small"), answer.classes > 2 ? T("loss_caption_softmax") : T("loss_caption"));
  if (first) listNeurons(answer.neurons);
  await drawNetwork(answer.network);
  await refreshLive();
  document.body.dataset.epoch = String(answer.epoch);
  updateUrl();
  return true;
}
async function loop() {
  while (training && (await epoch(false))) await new Promise((r) => setTimeout(r, 0));
}
function trainButtons() {
  $("train-pause").disabled = !training;
  $("train-stop").disabled = !trained;
  $("train-start").textContent = T(trained && !training ? "train_resume" : "train_start");
}
$("train-start").addEventListener("click", async () => {
  if (training) return;
  training = true; trainButtons();
  if (!trained && !(await epoch(true))) return;
  loop();
});
$("train-pause").addEventListener("click", () => { training = false; trainButtons(); });
$("train-step").addEventListener("click", async () => { training = false; await epoch(!trained); trainButtons(); });
$("train-stop").addEventListener("click", () => { training = false; trained = null; chosenPoint = null; viewed = null; viewedName = null; $("neuron-view").hidden = true; trainButtons(); $("train-status").textContent = T("train_stopped"); });
// A chart is drawn at the width its figure has (a phone's, or at most 520 px), sharp on any screen.
function fitCanvas(c, aspect) {
  const width = Math.max(120, Math.min(520, c.parentElement.clientWidth - 2));
  const ratio = window.devicePixelRatio || 1;
  c.style.width = width + "px"; c.style.height = width * aspect + "px";
  c.width = Math.round(width * ratio); c.height = Math.round(width * aspect * ratio);
  const g = c.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { g, w: width, h: width * aspect };
}
function drawBoundary(a) {
  const c = $("boundary"), { g, w: width, h: height } = fitCanvas(c, 1), n = Math.sqrt(a.grid.length), cell = width / n;
  const above = a.grid.filter((s) => s > 0).length, many = a.classes > 2;
  c.setAttribute("aria-label", many
    ? T("boundary_label_classes", { epoch: a.epoch, points: a.points.length, classes: a.classes, accuracy: (100 * a.accuracy).toFixed(1) })
    : T("boundary_label", { epoch: a.epoch, points: a.points.length, above, cells: a.grid.length, accuracy: (100 * a.accuracy).toFixed(1) }));
  a.grid.forEach((s, i) => {  // two classes: the score's sign; more: the class predicted
    g.fillStyle = many ? AREA[s % AREA.length] : s > 0 ? AREA[1] : AREA[0];
    g.fillRect((i % n) * cell, Math.floor(i / n) * cell, cell + 1, cell + 1);
  });
  const [x0, x1, y0, y1] = a.box;
  for (const [x, y, k] of a.points) {  // a class by its colour and by its shape
    marker(g, ((x - x0) / (x1 - x0)) * width, ((y1 - y) / (y1 - y0)) * height, k);
  }
  if (viewed) drawZeroLine(g, width, height, viewed.sum);
  if (chosenPoint !== null && a.points[chosenPoint]) {  // the chosen point: a black ring
    const [x, y] = a.points[chosenPoint];
    g.beginPath();
    g.arc(((x - x0) / (x1 - x0)) * width, ((y1 - y) / (y1 - y0)) * height, 9, 0, 7);
    g.lineWidth = 3; g.strokeStyle = "#000"; g.stroke(); g.lineWidth = 1;
  }
  c.dataset.drawnAt = String(a.epoch);
}
const AREA = ["#a9c8ec", "#f3c4a6", "#c5e6b8"], INK = ["#1f5fa8", "#c0392b", "#1e7b1e"];
function marker(g, x, y, k) {
  g.beginPath();
  if (k % 3 === 0) g.arc(x, y, 4.5, 0, 7);
  else if (k % 3 === 1) g.rect(x - 4, y - 4, 8, 8);
  else { g.moveTo(x, y - 5.5); g.lineTo(x + 5, y + 4); g.lineTo(x - 5, y + 4); g.closePath(); }
  g.fillStyle = INK[k % 3]; g.fill(); g.strokeStyle = "#fff"; g.stroke();
}
function drawLoss(losses) {
  const c = $("loss"), pad = 30, top = Math.max(...losses) || 1;
  const { g, w, h } = fitCanvas(c, 0.75), fake = { width: w, height: h };
  const fixed = (list) => list.map((l) => l.toFixed(3)).join(", ");
  const values = losses.length > 8 ? `${fixed(losses.slice(0, 3))}, \u2026, ${fixed(losses.slice(-3))}` : fixed(losses);
  c.setAttribute("aria-label", T("loss_label", { epochs: losses.length, first: losses[0].toFixed(4), last: losses[losses.length - 1].toFixed(4), lowest: Math.min(...losses).toFixed(4), values }));
  drawLossOn(g, fake, losses, pad, top);
}
function drawLossOn(g, c, losses, pad, top) {
  g.clearRect(0, 0, c.width, c.height);
  g.strokeStyle = "#999"; g.strokeRect(pad, 5, c.width - pad - 5, c.height - pad - 5);
  g.fillStyle = "#333"; g.font = "12px sans-serif";
  g.fillText(top.toFixed(2), 2, 15); g.fillText("0", 18, c.height - pad);
  g.fillText(T("chart_epoch", { n: losses.length }), c.width - 80, c.height - 10);
  g.beginPath(); g.strokeStyle = "#b00020"; g.lineWidth = 2;
  losses.forEach((l, i) => {
    const x = pad + ((c.width - pad - 5) * i) / Math.max(1, losses.length - 1);
    const y = 5 + (c.height - pad - 5) * (1 - l / top);
    i ? g.lineTo(x, y) : g.moveTo(x, y);
  });
  g.stroke();
}
function listNeurons(names) {
  const box = $("neurons");
  box.replaceChildren();
  for (const name of names) {
    const b = document.createElement("button");
    b.textContent = name;
    b.addEventListener("click", () => showNeuron(name));
    b.addEventListener("mouseenter", () => viewNeuron(name));
    b.addEventListener("focus", () => viewNeuron(name));
    box.append(b);
  }
}
// The network drawn as circles, one per neuron: a click on one draws it (as its button does).
async function drawNetwork(dot) {
  await drawInto($("network"), dot);
  for (const node of $("network").querySelectorAll("g.node")) {
    const name = (node.querySelector("title") || {}).textContent || "";
    if (!/^L\d+\.N\d+$/.test(name)) continue;  // the inputs are not neurons
    node.style.cursor = "pointer";
    node.addEventListener("click", () => showNeuron(name));
    node.addEventListener("mouseenter", () => viewNeuron(name));
  }
}
let neuronShown = null;
async function showNeuron(name) {
  $("neuron").dataset.name = T("neuron_named", { name });
  neuronShown = name;
  const answer = await ask({ do: "neuron", name, expanded: $("expanded").checked });
  if (!answer.ok) return showError("train-error", answer.error);
  $("neuron-caption").hidden = false;  // the drawing's title, as text that wraps
  $("neuron-caption").textContent = T("neuron_caption", { name, epoch: trained ? trained.epoch : 0 });
  await drawInto($("neuron"), answer.dot);
}
$("expanded").addEventListener("change", () => neuronShown && showNeuron(neuronShown));

// ---- live views: a chosen point's loss graph; a neuron's heat map, zero line and weights ------
let chosenPoint = null, viewed = null, viewedName = null;
async function refreshLive() {
  if (chosenPoint !== null) await showPoint(chosenPoint);
  if (viewedName !== null) await viewNeuron(viewedName);
}
async function showPoint(index) {
  const answer = await ask({ do: "point", index, expanded: $("point-expanded").checked });
  if (!answer.ok) return showError("train-error", answer.error);
  chosenPoint = answer.index;
  stepsShown(false);
  $("point").value = String(answer.index);
  $("point-said").textContent = T("point_said", { index: answer.index, loss: answer.loss.toFixed(4), epoch: answer.epoch });
  await drawInto($("point-graph"), answer.dot);
  if (trained) drawBoundary(trained);
  document.body.dataset.pointDrawn = String(Number(document.body.dataset.pointDrawn || 0) + 1);
}
$("point-show").addEventListener("click", () => trained && showPoint($("point").value));
// The chosen point's backward pass, a step at a time (until the next epoch redraws the point).
let pointFrames = null, pointAt = 0;
function stepsShown(on) {
  for (const id of ["point-back", "point-next", "point-text"]) $(id).hidden = !on;
  if (!on) { pointFrames = null; $("point-counter").textContent = ""; }
}
async function goPoint(k) {
  pointAt = Math.max(0, Math.min(pointFrames.length - 1, k));
  const frame = pointFrames[pointAt];
  $("point-counter").textContent = pointAt === 0 ? T("start") : T("step_of", { k: pointAt, n: pointFrames.length - 1 });
  $("point-text").textContent = frame.text;
  await drawInto($("point-graph"), frame.dot);
  document.body.dataset.pointStep = String(pointAt);
}
$("point-steps").addEventListener("click", async () => {
  if (!trained || chosenPoint === null) return;
  const answer = await ask({ do: "point_steps", index: chosenPoint, lang });
  if (!answer.ok) return showError("train-error", answer.error);
  showError("train-error", "");
  pointFrames = answer.frames;
  stepsShown(true);
  await goPoint(0);
});
$("point-back").addEventListener("click", () => pointFrames && goPoint(pointAt - 1));
$("point-next").addEventListener("click", () => pointFrames && goPoint(pointAt + 1));
$("point").addEventListener("keydown", (e) => { if (e.key === "Enter") $("point-show").click(); });
$("point-expanded").addEventListener("change", () => chosenPoint !== null && showPoint(chosenPoint));
// A click on the data picks the nearest point.
$("boundary").addEventListener("click", (e) => {
  if (!trained) return;
  const c = $("boundary"), r = c.getBoundingClientRect(), [x0, x1, y0, y1] = trained.box;
  const x = x0 + ((e.clientX - r.left) / r.width) * (x1 - x0), y = y1 - ((e.clientY - r.top) / r.height) * (y1 - y0);
  let best = 0, far = Infinity;
  trained.points.forEach(([px, py], i) => { const d = (px - x) ** 2 + (py - y) ** 2; if (d < far) { far = d; best = i; } });
  const does = $("click-does").value;
  if (does === "remove") changePoints({ remove: best });
  else if (does.startsWith("add")) changePoints({ add: [Number(x.toFixed(3)), Number(y.toFixed(3)), Number(does.slice(3))] });
  else showPoint(best);
});
// The learner's own data: the next epoch trains on it (Python keeps it; the page redraws it).
async function changePoints(change) {
  const answer = await ask({ do: "points", ...change });
  if (!answer.ok) return showError("train-error", answer.error);
  edits.push("add" in change ? [trained.epoch, "add", change.add] : [trained.epoch, "remove", change.remove]);
  showError("train-error", "");
  trained.points = answer.points; trained.box = answer.box;
  if ("remove" in change && chosenPoint !== null) chosenPoint = chosenPoint === answer.index ? null : chosenPoint - (chosenPoint > answer.index);
  drawBoundary(trained);
  $("train-status").textContent = T("points_changed", { n: answer.points.length });
  document.body.dataset.points = String(answer.points.length);
}
$("add-point").addEventListener("click", () => trained && changePoints({ add: [Number($("add-x").value), Number($("add-y").value), Number($("add-class").value)] }));
$("remove-point").addEventListener("click", () => trained && chosenPoint !== null && changePoints({ remove: chosenPoint }));
async function viewNeuron(name) {
  if (!trained) return;
  const answer = await ask({ do: "neuron_view", name });
  if (!answer.ok) return;
  viewed = answer; viewedName = name;
  $("neuron-view").hidden = false;
  drawHeat(answer);
  drawBoundary(trained);
  const body = $("weights").querySelector("tbody");
  body.replaceChildren();
  const adam = "m" in (answer.weights[0] || {});
  for (const th of [...$("weights").querySelectorAll("th")].slice(3, 5)) th.hidden = !adam;
  for (const w of answer.weights) {
    const tr = document.createElement("tr");
    const cells = [w.name, w.value, w.grad, ...(adam ? [w.m, w.sqrt_v] : []), w.step];
    for (const v of cells) {
      const td = document.createElement("td");
      td.textContent = typeof v === "number" ? v.toPrecision(4) : String(v);
      tr.append(td);
    }
    body.append(tr);
  }
  $("weights-caption").textContent = T("weights_caption", { name, epoch: trained.epoch });
  document.body.dataset.viewed = name + "@" + trained.epoch;
}
function drawHeat(a) {
  const c = $("heat"), g = c.getContext("2d"), n = Math.sqrt(a.out.length), cell = c.width / n;
  const top = Math.max(1e-12, ...a.out.map(Math.abs));
  a.out.forEach((v, i) => {  // white at 0, orange for positive, blue for negative
    const t = Math.min(1, Math.abs(v) / top);
    g.fillStyle = v >= 0 ? `rgb(255,${Math.round(255 - 120 * t)},${Math.round(255 - 200 * t)})` : `rgb(${Math.round(255 - 200 * t)},${Math.round(255 - 120 * t)},255)`;
    g.fillRect((i % n) * cell, Math.floor(i / n) * cell, cell + 1, cell + 1);
  });
  drawZeroLine(g, c.width, c.height, a.sum);
  const low = Math.min(...a.out), high = Math.max(...a.out);
  c.setAttribute("aria-label", T("heat_label", { name: a.name, low: low.toFixed(3), high: high.toFixed(3), positive: a.out.filter((v) => v > 0).length, cells: a.out.length }));
  $("heat-caption").textContent = T("heat_caption", { name: a.name });
  c.dataset.drawnFor = a.name;
}
// The line where a weighted sum is 0, through the grid's cells (marching squares), dashed black.
function drawZeroLine(g, w, h, sums) {
  const n = Math.sqrt(sums.length), cw = w / n, ch = h / n;
  const at = (r, c) => sums[Math.min(n - 1, r) * n + Math.min(n - 1, c)];
  g.save(); g.setLineDash([5, 3]); g.strokeStyle = "#000"; g.lineWidth = 2; g.beginPath();
  for (let r = 0; r + 1 < n; r++) for (let c = 0; c + 1 < n; c++) {
    const v = [at(r, c), at(r, c + 1), at(r + 1, c + 1), at(r + 1, c)];
    const p = [[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1]];
    const cross = [];
    for (let k = 0; k < 4; k++) {
      const a = v[k], b = v[(k + 1) % 4];
      if ((a > 0) !== (b > 0)) {
        const t = a / (a - b), [ax, ay] = p[k], [bx, by] = p[(k + 1) % 4];
        cross.push([(ax + t * (bx - ax) + 0.5) * cw, (ay + t * (by - ay) + 0.5) * ch]);
      }
    }
    for (let k = 0; k + 1 < cross.length; k += 2) { g.moveTo(...cross[k]); g.lineTo(...cross[k + 1]); }
  }
  g.stroke(); g.restore();
}

// ---- exercises ----------------------------------------------------------------------------------
if (params.get("seed") !== null) $("seed").value = params.get("seed");
if (params.get("size") !== null) $("size").value = params.get("size");
async function newExercise() {
  const answer = await ask({ do: "exercise", seed: $("seed").value, size: $("size").value });
  showError("ex-error", answer.ok ? "" : answer.error);
  $("report").hidden = true;
  if (!answer.ok) return;
  $("statement").textContent = answer.statement;
  await drawInto($("ex-drawing"), answer.dot);
  const box = $("answers");
  box.replaceChildren();
  for (const label of answer.questions) {
    const row = document.createElement("div");
    row.className = "row";
    const name = document.createElement("label");
    name.textContent = label + " =";
    const input = document.createElement("input");
    input.type = "text"; input.dataset.label = label; input.id = name.htmlFor = "answer-" + label;
    input.inputMode = "decimal"; input.autocomplete = "off";
    const hint = document.createElement("button");
    hint.textContent = T("hint");
    hint.setAttribute("aria-label", T("hint_for", { label }));
    const said = document.createElement("small");
    hint.addEventListener("click", async () => {
      const h = await ask({ do: "hint", label });
      said.textContent = h.ok ? h.text : h.error;
    });
    row.append(name, input, hint, said);
    box.append(row);
  }
  updateUrl();
}
$("ex-new").addEventListener("click", newExercise);
$("ex-check").addEventListener("click", async () => {
  const answers = {};
  for (const input of document.querySelectorAll("#answers input")) answers[input.dataset.label] = input.value;
  const answer = await ask({ do: "check", answers });
  $("report").hidden = false;
  $("report").textContent = answer.ok ? answer.text : answer.error;
  $("report").className = answer.ok ? "" : "error";
  document.body.dataset.checked = "1";
});

// ---- check my engine: the learner's code runs in a Worker of its own ---------------------------
// That Worker ("checker") has no network once Python has started (worker.js removes it), and is
// ended when a check takes longer than checkLimit: the in-Python limit stops a Python loop, this
// one also a long call inside C. Its drawings are made again by the other Worker from the data.
let checkLimit = 60;  // seconds for one whole check (a test shortens it)
let checker = null;
function startChecker() {
  const w = new Worker("worker.js", { type: "module", name: "checker" });
  const c = { worker: w, answers: new Map(), ready: null };
  c.ready = new Promise((resolve) => {
    w.onmessage = (e) => {
      const { id, answer } = e.data;
      if (id === 0) return resolve(answer);
      const done = c.answers.get(id);
      c.answers.delete(id);
      if (done) done(answer);
    };
  });
  return c;
}
async function askChecker(request) {
  if (!checker) { $("engine-status").textContent = T("engine_starting"); checker = startChecker(); }
  const c = checker;
  const started = await c.ready;
  if (!started.ok) { checker = null; return started; }
  $("engine-status").textContent = T("engine_running");
  const id = nextId++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      c.worker.terminate();
      if (checker === c) checker = null;
      resolve({ ok: false, stopped: true, error: T("engine_stopped", { seconds: checkLimit }) });
    }, checkLimit * 1000);
    c.answers.set(id, (answer) => { clearTimeout(timer); resolve(answer); });
    c.worker.postMessage({ id, request });
  });
}
$("engine-file").addEventListener("change", async () => {
  const file = $("engine-file").files[0];
  if (file) $("engine-source").value = await file.text();
});
$("engine-check").addEventListener("click", async () => {
  const source = $("engine-source").value;
  $("engine-report").hidden = true;
  $("engine-failures").replaceChildren();
  if (!source.trim()) { showError("engine-error", T("engine_empty")); return; }
  showError("engine-error", "");
  $("engine-check").disabled = true;
  const answer = await askChecker({ do: "check_engine", source, name: $("engine-name").value });
  $("engine-check").disabled = false;
  document.body.dataset.engineChecked = String(Number(document.body.dataset.engineChecked || 0) + 1);
  if (!answer.ok) {
    $("engine-status").textContent = "";
    showError("engine-error", answer.error);
    document.body.dataset.engineResult = answer.stopped ? "stopped" : "error";
    return;
  }
  const seconds = answer.seconds.toFixed(1), n = answer.failures.length;
  $("engine-status").textContent = answer.passed ? T("engine_passed", { seconds })
    : n ? T("engine_failed", { n, seconds }) : T("engine_nothing", { seconds });
  // check_engine's own words are English: a page in another language adds each kind's advice
  $("engine-report").textContent = engineReport(answer, T, (key) => key in MESSAGES[lang], lang !== "en");
  $("engine-report").hidden = false;
  await showFailures(answer.failures);
  document.body.dataset.engineResult = answer.passed ? "passed" : "failed";
});
// Each problem with a graph: its drawing (made by the page's own Worker from the graph as data)
// and, for a wrong gradient, the learner's number beside the right one.
async function showFailures(failures) {
  const box = $("engine-failures");
  for (const [i, f] of failures.entries()) {
    if (!f.spec) continue;
    const k = i + 1;
    const heading = document.createElement("h3");
    heading.textContent = T("engine_problem", { k, kind: engineKind(f, T, (key) => key in MESSAGES[lang]) });
    box.append(heading);
    if (f.leaf) {
      const table = document.createElement("table");
      table.className = "numbers";
      const row = (cells, tag) => {
        const tr = document.createElement("tr");
        for (const text of cells) { const td = document.createElement(tag); td.textContent = text; tr.append(td); }
        return tr;
      };
      const head = document.createElement("thead"), body = document.createElement("tbody");
      head.append(row([T("engine_node"), T("engine_right"), T("engine_yours")], "th"));
      body.append(row([f.leaf + ".grad", String(Number(f.want).toPrecision(6) * 1), String(Number(f.got).toPrecision(6) * 1)], "td"));
      table.append(head, body);
      box.append(table);
    }
    const drawing = document.createElement("div");
    drawing.className = "drawing failure";
    drawing.dataset.name = T("engine_graph_name", { k });
    box.append(drawing);
    const answer = await ask({ do: "failure_graph", spec: f.spec, leaf: f.leaf, got: f.got });
    if (answer.ok) await drawInto(drawing, answer.dot);
  }
  if (box.children.length) {
    const legend = document.createElement("p");
    const small = document.createElement("small");
    fill(small, T("engine_legend"));
    legend.append(small);
    box.append(legend);
  }
}

// ---- start ------------------------------------------------------------------------------------------
// A training link: the form set from it, the training replayed in Python to its epoch (the
// same loss, bit for bit), the chosen point drawn, the controls it hides hidden. Anything in
// it that is not what the page offers refuses the link, with a message, and nothing is run.
let edits = [];
const HIDEABLE = { dataset: "dataset", hidden: "hidden", activation: "activation", optimiser: "optimiser", lr: "lr", seed: "tseed", points: "add-point", check: "tab-engine-button" };
async function openTrainingLink() {
  const refuse = (why) => { showError("train-error", T("link_refused", { why })); document.body.dataset.linkRefused = "1"; };
  const hide = params.get("hide") ? params.get("hide").split(",") : [];
  const unknown = hide.find((h) => !(h in HIDEABLE));
  if (unknown !== undefined) return refuse(`hide: ${unknown.slice(0, 40)}`);
  for (const [key, id] of [["data", "dataset"], ["act", "activation"], ["opt", "optimiser"]]) {
    if (!params.has(key)) continue;
    const options = [...$(id).options].map((o) => o.value);
    if (!options.includes(params.get(key))) return refuse(`${key}: ${params.get(key).slice(0, 40)}`);
    $(id).value = params.get(key);
  }
  for (const [key, id] of [["hidden", "hidden"], ["lr", "lr"], ["tseed", "tseed"]]) if (params.has(key)) $(id).value = params.get(key).slice(0, 40);
  let linkEdits = [];
  if (params.has("edits")) {
    try { linkEdits = JSON.parse(params.get("edits")); } catch { return refuse("edits"); }
  }
  status(T("link_replaying", { epoch: params.get("epoch").slice(0, 10) }));
  if (!(await epoch(true, { epochs: params.get("epoch"), edits: linkEdits }))) {
    status(readyText);
    return refuse($("train-error").textContent);
  }
  edits = linkEdits;
  for (const name of hide) {
    const control = $(HIDEABLE[name]);
    (control.closest("label") || control).hidden = true;
  }
  if (hide.length) $("teacher").hidden = true;  // a teacher's link does not offer to make one
  if (params.has("point")) await showPoint(params.get("point"));
  status(readyText);
  trainButtons();
  updateUrl();
}
$("train-share").addEventListener("click", async () => {
  try { await navigator.clipboard.writeText(location.href); $("train-status").textContent = T("link_copied"); }
  catch { $("train-status").textContent = location.href; }
});

// A teacher's link: this training's link with the ticked controls hidden (`hide=`, as read above).
$("teacher-copy").addEventListener("click", async () => {
  const said = $("teacher-said"), field = $("teacher-link");
  if (!trained) { said.textContent = T("teacher_train_first"); field.hidden = true; return; }
  updateUrl();
  const q = new URLSearchParams(location.search);
  const hide = [...document.querySelectorAll("#teacher input[type=checkbox]:checked")].map((c) => c.value);
  if (hide.length) q.set("hide", hide.join(",")); else q.delete("hide");
  field.value = location.origin + location.pathname + "?" + q.toString();
  field.hidden = false;
  try { await navigator.clipboard.writeText(field.value); said.textContent = T("link_copied"); }
  catch { said.textContent = T("copy_this"); field.select(); }
});

let readyText = "";
async function started(answer) {
  if (!answer.ok) { status(answer.error); return; }
  readyText = T("ready", { version: answer.version, seconds: answer.seconds.toFixed(1) });
  status(readyText);
  const values = {};
  for (const [k, v] of params) if (!RESERVED.has(k)) values[k] = v;
  if (!params.has("expr")) Object.assign(values, { x: "2", w: "-3", b: "6.88" });
  await redraw(values, wantStep);
  await newExercise();
  showTab(tab);
  if (tab === "train" && params.has("epoch")) await openTrainingLink();
  keepFocusClear();
  document.body.dataset.ready = "1";
}
// Opened from disk, the Worker cannot start: say so on the page, and how to open it instead.
if (location.protocol === "file:") {
  $("from-disk").hidden = false;
  status(T("disk_status"));
  document.body.dataset.fromDisk = "1";
} else {
  startWorker();
}
