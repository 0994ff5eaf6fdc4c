// The Web Worker: Pyodide runs this package's own code here, so the page never freezes.
// Every request goes to autograd.web.Session.handle as JSON, and its JSON answer comes back.
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
  return { version, seconds: (performance.now() - t0) / 1000 };
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
