"""The playground's "check my engine" tab in headless Chromium, over the served site: a right
pasted engine is reported right, a planted mistake is named and its graph drawn with the wrong
node marked, a runaway loop is stopped within its limit, and the learner's code sends nothing
over the network (the checker Worker has no way to).

Needs ``docs/_build/html/playground``: ``make docs-check`` builds it and runs this file.
"""

from __future__ import annotations

import json
import math
import time

import pytest
from cdp import Browser, playground_marks
from learner_source import LOOP, RIGHT, TANH

pytestmark = [
    *playground_marks(),
]
# Every way a learner's code could try to reach the network from the checker Worker; the class
# is defined only when every one of them raised (so none of them started a request).
ESCAPES = """
import js
import pyodide.http
ATTEMPTS = [
    lambda: js.fetch("/leak-fetch"),
    lambda: js.XMLHttpRequest.new(),
    lambda: js.WebSocket.new("ws://127.0.0.1:9/leak-ws"),
    lambda: js.EventSource.new("/leak-events"),
    lambda: js.importScripts("/leak-script"),
    lambda: js.eval("import('/leak-eval')"),
    lambda: js.Object.constructor("return import('/leak-function')")(),
    lambda: js.Function("return import('/leak-function-global')")(),
    lambda: js.Function.new("return import('/leak-function-new')")(),
    lambda: js.setTimeout("import('/leak-timeout')", 0),
    lambda: js.setInterval("import('/leak-interval')", 1000),
    lambda: js.caches.open("leak"),
    lambda: js.Worker.new("/leak-worker"),
    lambda: pyodide.http.open_url("/leak-open-url"),
    lambda: pyodide.http.pyfetch("/leak-pyfetch").send(None),
]
failed = 0
for attempt in ATTEMPTS:
    try:
        attempt()
    except BaseException:
        failed += 1
if failed == len(ATTEMPTS):
"""


def checked(b: Browser, source: str, timeout: float = 120) -> str:
    """Paste ``source``, press check, wait for the answer; the result ("passed", ...)."""
    before = b.js("Number(document.body.dataset.engineChecked || 0)")
    b.js(f"document.getElementById('engine-source').value = {json.dumps(source)}")
    b.js("document.getElementById('engine-check').click()")
    b.wait(f"Number(document.body.dataset.engineChecked || 0) > {before}", timeout)
    return b.js("document.body.dataset.engineResult")


@pytest.fixture(scope="module")
def page(playground, browser):
    browser.requests.clear()
    browser.open(playground + "?tab=engine")
    browser.wait("document.body.dataset.ready === '1'", 120)
    return browser


def test_a_right_pasted_engine_is_reported_right(page):
    assert checked(page, RIGHT) == "passed"
    assert "everything checked is right" in page.js(
        "document.getElementById('engine-report').textContent"
    )
    assert page.js("document.getElementById('engine-status').textContent").startswith("right")


def test_a_planted_mistake_is_named_with_its_graph_and_both_numbers(page):
    assert checked(page, TANH) == "failed"
    report = page.js("document.getElementById('engine-report').textContent")
    assert "1. wrong local derivative (operation tanh): of tanh" in report
    page.wait("document.querySelector('#engine-failures svg')")
    cells = page.js(
        "[...document.querySelectorAll('#engine-failures table td')].map(t => t.textContent)"
    )
    assert cells[0] == "a.grad" and float(cells[2]) == pytest.approx(-0.69)
    a = float(
        page.js(
            "[...document.querySelectorAll('#engine-failures g.current text')]"
            ".map(t => t.textContent)"
            ".find(t => t.startsWith('data ')).slice(5)"
        )
    )
    assert float(cells[1]) == pytest.approx(1 - math.tanh(a) ** 2, rel=1e-5)  # the right one
    assert float(cells[2]) == pytest.approx(1 - a**2, rel=1e-5)  # the mistake's
    # the wrong node outlined, its edge dashed, and its label with the learner's number
    assert page.js("document.querySelector('#engine-failures g.current').textContent").count(
        "yours: -0.69"
    )
    assert page.js(
        "[...document.querySelectorAll('#engine-failures g.edge path')]"
        ".some(p => p.getAttribute('stroke-dasharray'))"
    )


def test_an_infinite_loop_is_stopped_within_its_limit(page):
    start = time.monotonic()
    assert checked(page, LOOP) == "failed"
    assert time.monotonic() - start < 15
    assert "did not finish within 2 s" in page.js(
        "document.getElementById('engine-report').textContent"
    )


def test_code_stuck_where_python_cannot_stop_it_ends_its_worker(page):
    page.js("checkLimit = 4")
    start = time.monotonic()
    stuck = "import time\nwhile True:\n    time.sleep(10)\n"
    assert checked(page, stuck, timeout=60) == "stopped"
    assert time.monotonic() - start < 20
    page.js("checkLimit = 60")
    assert checked(page, RIGHT) == "passed"  # a fresh checker Worker answers the next check


def test_the_learners_code_makes_no_network_request(page):
    page.requests.clear()
    source = ESCAPES + "\n".join("    " + line for line in RIGHT.splitlines()) + "\n"
    assert checked(page, source) == "passed", page.js(
        "document.getElementById('engine-report').textContent"
    )
    page.pump(1)
    assert not [url for url in page.requests if "leak" in url], page.requests
