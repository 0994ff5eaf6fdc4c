"""A small DevTools-protocol client for the browser tests: headless Chromium, one page, every
network request it (and its Workers) makes, and JavaScript evaluated in the page.

Chromium is started with a random debugging port (read from its DevToolsActivePort file) and
stopped by the ``with`` block; requests are recorded from ``Network.requestWillBeSent`` on the
page and on every Worker the page starts (attached automatically).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Headless, as root, and quiet on a machine with no network (every browser test starts so).
HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FLAGS = [*HEADLESS, "--remote-debugging-port=0", "--remote-allow-origins=*"]
# axe-core (web/package.json, a dev dependency) and the WCAG 2.2 AA rule tags it checks.
AXE = Path(__file__).resolve().parent.parent / "web" / "node_modules" / "axe-core" / "axe.min.js"
SITE = Path(__file__).resolve().parent.parent / "docs" / "_build" / "html"


def playground_marks() -> list[Any]:
    """The marks of a test module over the built playground: a ``docs_site`` test, skipped
    (saying what to run) where the site is not built or Chromium is not installed."""
    import pytest

    return [
        pytest.mark.docs_site,
        pytest.mark.skipif(
            not (SITE / "playground" / "manifest.json").exists(),
            reason="playground not built: run `make docs-check`",
        ),
        pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
    ]


WCAG = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
WIDTH_CHECK = """(() => {
  const root = document.documentElement;
  if (root.scrollWidth <= window.innerWidth) return null;
  const own = "pre, .highlight, .drawing, .frame, .table-wrapper, .mobile-header, " +
    ".sidebar-drawer, .toc-drawer";
  const wide = [...document.querySelectorAll("body *")].filter((e) =>
    e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(own));
  return {page: root.scrollWidth, window: window.innerWidth,
          first: wide.length ? wide[0].outerHTML.slice(0, 160) : ""};
})()"""


class Browser:
    """``with Browser() as b: b.open(url); b.wait("document.body.dataset.ready")``."""

    def __init__(self, width: int = 1280, height: int = 900) -> None:
        self.size = f"--window-size={width},{height}"
        self.requests: list[str] = []
        self.console: list[str] = []
        self._id = 0
        self._replies: dict[int, dict[str, Any]] = {}

    def __enter__(self) -> Browser:
        self.profile = tempfile.mkdtemp(prefix="cdp-")
        assert CHROMIUM is not None
        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, self.size, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().split()) == 2):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("Chromium did not open its debugging port")
            time.sleep(0.05)
        port, path = port_file.read_text().split()
        url = f"ws://127.0.0.1:{port}{path}"
        self.ws = connect(url, max_size=None, open_timeout=30).__enter__()
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.page = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self._watch(self.page)
        self.call("Page.enable", session=self.page)
        self.call("Runtime.enable", session=self.page)
        self.call(
            "Target.setAutoAttach",
            session=self.page,
            autoAttach=True,
            waitForDebuggerOnStart=True,
            flatten=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)

    def _watch(self, session: str) -> None:
        self.call("Network.enable", session=session)

    def send(self, method: str, session: str | None = None, **params: Any) -> int:
        """Send one command without waiting; its id (the reply is kept when it comes)."""
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        return self._id

    def call(self, method: str, session: str | None = None, **params: Any) -> Any:
        """Send one command and wait for its result (events meanwhile are handled)."""
        mine = self.send(method, session, **params)
        while mine not in self._replies:  # an event's handler may call too: replies are kept
            self._receive(120)
        reply = self._replies.pop(mine)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def _receive(self, timeout: float) -> None:
        message = json.loads(self.ws.recv(timeout=timeout))
        if "id" in message:
            self._replies[message["id"]] = message
        else:
            self._event(message)

    def _event(self, event: dict[str, Any]) -> None:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Target.attachedToTarget" and "worker" in params["targetInfo"]["type"]:
            # A Worker: record its requests too, then let it run. Neither reply is waited for:
            # some workers (JupyterLite's) answer Network.enable only once they run.
            session = params["sessionId"]
            self.send("Network.enable", session=session)
            self.send("Runtime.enable", session=session)
            self.send("Runtime.runIfWaitingForDebugger", session=session)
        elif method == "Runtime.consoleAPICalled":
            self.console.append(" ".join(str(a.get("value", "")) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            self.console.append("exception: " + json.dumps(params["exceptionDetails"])[:500])

    def pump(self, seconds: float) -> None:
        """Handle events for a while (so Workers attach and requests are seen)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                self._receive(left)
            except TimeoutError:
                return

    def open(self, url: str) -> None:
        self.call("Page.navigate", session=self.page, url=url)

    def js(self, expression: str) -> Any:
        """Evaluate in the page (promises awaited); the value, as JSON."""
        out = self.call(
            "Runtime.evaluate",
            session=self.page,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in out:
            raise RuntimeError(f"{expression}: {out['exceptionDetails']}")
        return out["result"].get("value")

    def wait(self, expression: str, timeout: float = 90) -> Any:
        """Poll until ``expression`` is truthy in the page; its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(
                f"(() => {{ try {{ return {expression}; }} catch (e) {{ return null; }} }})()"
            )
            if value not in (None, False, "", 0):  # an element arrives as {}: it counts
                return value
            self.pump(0.1)
        raise TimeoutError(f"{expression!r} still false after {timeout} s; console: {self.console}")

    def resize(self, width: int, height: int) -> None:
        """Show the page as a window of this size (a phone's below 600 px: touch, its viewport)."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=self.page,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self.call("Emulation.setTouchEmulationEnabled", session=self.page, enabled=width < 600)

    def too_wide(self) -> dict[str, Any] | None:
        """None when the page is no wider than its window; else its width and the first element
        that reaches past the right edge (outside the boxes that scroll on their own)."""
        return self.js(WIDTH_CHECK)  # type: ignore[no-any-return]

    def axe(self, tags: tuple[str, ...] = WCAG) -> list[dict[str, Any]]:
        """axe-core's violations of these rule tags on the page as it is now: each rule's id,
        its help text and the first few elements it names. axe-core is pinned in
        web/package.json and injected here: the site never holds it."""
        if not self.js("typeof window.axe === 'object'"):
            self.js(AXE.read_text(encoding="utf-8") + ";0")
        only = json.dumps(list(tags))
        found = self.js(
            f"axe.run(document, {{runOnly: {{type: 'tag', values: {only}}}, "
            "resultTypes: ['violations']})"
            ".then(r => r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes"
            ".slice(0, 4).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})))"
        )
        return found  # type: ignore[no-any-return]

    def screenshot(self, path: str | Path) -> None:
        import base64

        data = self.call("Page.captureScreenshot", session=self.page, format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))
