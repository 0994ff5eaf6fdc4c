// The playground page: asks the Worker (Python, autograd.web.Session) and shows its answers.
// Text is only ever set with textContent; drawings are SVG made by the wasm Graphviz from the
// DOT text the package writes. The URL carries the state, so any step can be linked to.
"use strict";
const $ = (id) => document.getElementById(id);
const RESERVED = new Set(["tab", "expr", "step", "mode", "seed", "size"]);
const params = new URLSearchParams(location.search);

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
  status("stopped; starting Python again\u2026");
  startWorker();
});
const vizReady = Viz.instance();
function status(text) { $("status").textContent = text; }
async function drawInto(box, dot) {
  const viz = await vizReady;
  box.replaceChildren(viz.renderSVGElement(dot));
}
function showError(id, text) { $(id).hidden = !text; $(id).textContent = text || ""; }

// ---- tabs -----------------------------------------------------------------------------------
let tab = ["graph", "train", "exercise"].includes(params.get("tab")) ? params.get("tab") : "graph";
function showTab(name) {
  tab = name;
  for (const b of document.querySelectorAll("nav button")) {
    b.setAttribute("aria-selected", String(b.dataset.tab === name));
    $("tab-" + b.dataset.tab).hidden = b.dataset.tab !== name;
  }
  updateUrl();
}
for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => showTab(b.dataset.tab));

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
  const answer = await ask({ do: "graph", expr: $("expr").value, values, quiz: $("quizmode").checked });
  if (!answer.ok) {
    showError("graph-error", answer.error);
    document.body.dataset.error = "1";
    updateUrl();
    return;
  }
  showError("graph-error", "");
  delete document.body.dataset.error;
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
  $("counter").textContent = at === 0 ? "start" : `step ${at} of ${n}`;
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
  $("quiz").hidden = false;
  $("question").textContent = result.frames[k].text.split("\n")[0] + " \u2014 what are these gradients after this step?";
  const box = $("quiz-fields");
  box.replaceChildren();
  asked.forEach((q, i) => {
    const row = document.createElement("div");
    const label = document.createElement("label");
    label.textContent = q.label + " =";
    const input = document.createElement("input");
    input.id = label.htmlFor = "quiz-" + i;
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
// tests/test_number_reading.py runs the two on the same text.
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
function quizOpen() { reached++; skipUnasked(); asked = []; $("quiz").hidden = true; go(reached); }
$("quiz-check").addEventListener("click", () => {
  let all = true;
  asked.forEach((q, i) => {
    const answer = typedNumber($("quiz-" + i).value);
    const ok = near(answer, q.exact);
    const why = ok ? "" : typical(answer, q);
    $("quiz-mark-" + i).textContent = ok ? " \u2713 right" : " \u2717 " + (why || "not yet");
    $("quiz-mark-" + i).className = ok ? "right" : "wrong";
    all = all && ok;
  });
  if (all && asked.length) quizOpen();
});
$("quiz-reveal").addEventListener("click", () => { if (asked.length) quizOpen(); });
$("draw").addEventListener("click", () => { result = null; redraw(leafValues(), 0); });
$("expr").addEventListener("keydown", (e) => { if (e.key === "Enter") $("draw").click(); });
$("quizmode").addEventListener("change", () => redraw(leafValues(), 0));
$("first").addEventListener("click", () => go(0));
$("prev").addEventListener("click", () => go(at - 1));
$("next").addEventListener("click", () => go(at + 1));
$("last").addEventListener("click", () => go(Infinity));
$("slider").addEventListener("input", () => go(Number($("slider").value)));
$("play").addEventListener("click", () => {
  if (playing) { clearInterval(playing); playing = null; $("play").textContent = "play"; return; }
  if (result && at >= result.frames.length - 1) go(0);
  $("play").textContent = "pause";
  playing = setInterval(() => {
    if (!result || at >= Math.min(reached, result.frames.length - 1)) { $("play").click(); return; }
    go(at + 1);
  }, 1200);
});
$("share").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(location.href));
function updateUrl() {
  const q = new URLSearchParams();
  if (tab !== "graph") q.set("tab", tab);
  q.set("expr", $("expr").value);
  for (const [name, value] of Object.entries(leafValues())) if (!RESERVED.has(name)) q.set(name, value);
  if (result && at === result.frames.length - 1 && at > 0) q.set("step", "end");
  else q.set("step", String(at));
  if ($("quizmode").checked) q.set("mode", "quiz");
  if (tab === "exercise") { q.set("seed", $("seed").value); q.set("size", $("size").value); }
  history.replaceState(null, "", "?" + q.toString());
}

// ---- training ---------------------------------------------------------------------------------
let training = false, trained = null;
async function epoch(first) {
  const request = first
    ? { do: "train", dataset: $("dataset").value, hidden: $("hidden").value, activation: $("activation").value,
        optimiser: $("optimiser").value, lr: $("lr").value }
    : { do: "epoch" };
  const answer = await ask(request);
  if (!answer.ok) { showError("train-error", answer.error); training = false; trainButtons(); return false; }
  showError("train-error", "");
  trained = answer;
  $("train-status").textContent = `epoch ${answer.epoch}: loss ${answer.loss.toFixed(4)}, accuracy ${(100 * answer.accuracy).toFixed(1)}%`;
  drawBoundary(answer);
  drawLoss(answer.losses);
  if (first) { listNeurons(answer.neurons); await drawNetwork(answer.network); }
  document.body.dataset.epoch = String(answer.epoch);
  return true;
}
async function loop() {
  while (training && (await epoch(false))) await new Promise((r) => setTimeout(r, 0));
}
function trainButtons() {
  $("train-pause").disabled = !training;
  $("train-stop").disabled = !trained;
  $("train-start").textContent = trained && !training ? "resume" : "start";
}
$("train-start").addEventListener("click", async () => {
  if (training) return;
  training = true; trainButtons();
  if (!trained && !(await epoch(true))) return;
  loop();
});
$("train-pause").addEventListener("click", () => { training = false; trainButtons(); });
$("train-step").addEventListener("click", async () => { training = false; await epoch(!trained); trainButtons(); });
$("train-stop").addEventListener("click", () => { training = false; trained = null; trainButtons(); $("train-status").textContent = "stopped: start trains a new network"; });
function drawBoundary(a) {
  const c = $("boundary"), g = c.getContext("2d"), n = Math.sqrt(a.grid.length), cell = c.width / n;
  a.grid.forEach((s, i) => {
    g.fillStyle = s > 0 ? "#f3c4a6" : "#a9c8ec";
    g.fillRect((i % n) * cell, Math.floor(i / n) * cell, cell + 1, cell + 1);
  });
  const [x0, x1, y0, y1] = a.box;
  for (const [x, y, k] of a.points) {
    g.beginPath();
    g.arc(((x - x0) / (x1 - x0)) * c.width, ((y1 - y) / (y1 - y0)) * c.height, 4, 0, 7);
    g.fillStyle = k ? "#c0392b" : "#1f5fa8";
    g.fill(); g.strokeStyle = "#fff"; g.stroke();
  }
  c.dataset.drawnAt = String(a.epoch);
}
function drawLoss(losses) {
  const c = $("loss"), g = c.getContext("2d"), pad = 30, top = Math.max(...losses) || 1;
  g.clearRect(0, 0, c.width, c.height);
  g.strokeStyle = "#999"; g.strokeRect(pad, 5, c.width - pad - 5, c.height - pad - 5);
  g.fillStyle = "#333"; g.font = "12px sans-serif";
  g.fillText(top.toFixed(2), 2, 15); g.fillText("0", 18, c.height - pad);
  g.fillText(`epoch ${losses.length}`, c.width - 80, c.height - 10);
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
  }
}
let neuronShown = null;
async function showNeuron(name) {
  neuronShown = name;
  const answer = await ask({ do: "neuron", name, expanded: $("expanded").checked });
  if (!answer.ok) return showError("train-error", answer.error);
  await drawInto($("neuron"), answer.dot);
}
$("expanded").addEventListener("change", () => neuronShown && showNeuron(neuronShown));

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
    const hint = document.createElement("button");
    hint.textContent = "hint";
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

// ---- start ------------------------------------------------------------------------------------------
async function started(answer) {
  if (!answer.ok) { status(answer.error); return; }
  status(`Python ready (autograd ${answer.version}, started in ${answer.seconds.toFixed(1)} s)`);
  const values = {};
  for (const [k, v] of params) if (!RESERVED.has(k)) values[k] = v;
  if (!params.has("expr")) Object.assign(values, { x: "2", w: "-3", b: "6.88" });
  await redraw(values, wantStep);
  await newExercise();
  showTab(tab);
  document.body.dataset.ready = "1";
}
startWorker();
