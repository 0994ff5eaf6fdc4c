// The Web Worker: Pyodide runs this package's own code here, so the page never freezes.
// Every request goes to autograd.web.Session.handle as JSON, and its JSON answer comes back.
// The Worker named "checker" runs a learner's own code (the check tab): once Python has
// started, it loses every way to reach the network, so nothing that code does leaves it.
import { loadPyodide } from "./pyodide/pyodide.mjs";

let session = null;

async function start() {
  const t0 = performance.now();
  const manifest = await (await fetch("manifest.json")).json();
  const pyodide = await loadPyodide({ indexURL: new URL("pyodide/", import.meta.url).href });
  const wheel = await (await fetch("wheels/" + manifest.wheel)).arrayBuffer();
  pyodide.unpackArchive(wheel, "wheel"); // into site-packages: the engine needs nothing else
  session = pyodide.runPython("import autograd.web\nautograd.web.Session()");
  const version = pyodide.runPython("import autograd, sys\nautograd.__version__ + ' on Python ' + sys.version.split()[0]");
  if (self.name === "checker") seal();
  return { version, seconds: (performance.now() - t0) / 1000 };
}

// Remove what can send a request: Python's `js` module and `pyodide.http` then find nothing.
// (Pyodide is loaded already; the learner's code gets only what is left.)
const NETWORK = ["fetch", "XMLHttpRequest", "WebSocket", "EventSource", "importScripts", "WebTransport",
  "Worker", "SharedWorker", "caches", "navigator", "eval"];
function seal() {
  for (const name of NETWORK) {
    for (let o = self; o; o = Object.getPrototypeOf(o)) {
      if (Object.prototype.hasOwnProperty.call(o, name)) delete o[name];
    }
    Object.defineProperty(self, name, { value: undefined, writable: false, configurable: false });
  }
  // Function and the timers would make code from text (and `import()` in it): they refuse;
  // Function keeps its prototype, so `x instanceof Function` (Pyodide asks) still answers
  const blocked = function () { throw new TypeError("this Worker makes no code from text"); };
  blocked.prototype = Function.prototype;
  Object.defineProperty(self, "Function", { value: blocked, writable: false, configurable: false });
  for (const timer of ["setTimeout", "setInterval"]) {
    const real = self[timer].bind(self);
    const safe = (f, ...rest) => {
      if (typeof f !== "function") throw new TypeError("this Worker makes no code from text");
      return real(f, ...rest);
    };
    Object.defineProperty(self, timer, { value: safe, writable: false, configurable: false });
  }
  // a function's constructor would make code from text too: none of them has one
  for (const f of [function () {}, async function () {}, function* () {}, async function* () {}]) {
    Object.defineProperty(Object.getPrototypeOf(f), "constructor", { value: undefined, writable: false, configurable: false });
  }
}

const ready = start();
ready.then(
  (info) => postMessage({ id: 0, answer: { ok: true, ...info } }),
  (e) => postMessage({ id: 0, answer: { ok: false, error: "Python did not start: " + e } }),
);

onmessage = async (event) => {
  const { id, request } = event.data;
  try {
    await ready;
    postMessage({ id, answer: JSON.parse(session.handle(JSON.stringify(request))) });
  } catch (e) {
    postMessage({ id, answer: { ok: false, error: String(e) } });
  }
};
