"""The playground of the built site (``make docs``), in headless Chromium over the DevTools
protocol: served on 127.0.0.1 (``conftest.py``'s ``host``), nothing from elsewhere.

Needs ``docs/_build/html/playground``: ``make docs-check`` builds it and runs this file.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from cdp import Browser, playground_marks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.expressions import ExpressionError, parse
from autograd.viz.style import fmt

pytestmark = [
    *playground_marks(),
]
LINK = "?expr=tanh(x*w%2Bb)&x=2&w=-3&b=6.88&step=end"
HOSTILE = [
    "<img src=x onerror=window.pwned=1>",
    "</script><script>window.pwned=1</script>",
    '"><svg onload=window.pwned=1>',
    "javascript:window.pwned=1",
    "x*<b>w</b>",
    "1e999",
    "quiz",
]
# the leaf boxes of the drawing: name -> its "grad ..." field
LEAF_GRADS = """Object.fromEntries([...document.querySelectorAll('#drawing g.node')]
  .map(g => [...g.querySelectorAll('text')].map(t => t.textContent))
  .filter(t => t.length === 3 && t[2].startsWith('grad ')).map(t => [t[0], t[2]]))"""


def opened(b: Browser, url: str) -> Browser:
    b.requests.clear()
    b.open(url)
    b.wait("document.body.dataset.ready === '1'", 120)
    return b


def click(b: Browser, id_: str) -> None:
    b.js(f"document.getElementById({id_!r}).click()")


def shown(b: Browser) -> tuple[str, str, str]:
    """(step, outlined node, first line of the text), once the drawing shows that step."""
    b.wait("document.body.dataset.step === String(at) && document.querySelector('#drawing svg')")
    return (
        b.js("document.body.dataset.step"),
        b.js("document.querySelector('#drawing g.current title').textContent"),
        b.js("document.getElementById('text').textContent.split('\\n')[0]"),
    )


def test_the_page_loads_only_from_the_host_and_draws_the_default_example(host, playground, browser):
    b = opened(browser, playground)
    b.pump(0.5)
    assert b.requests and all(url.startswith(host) for url in b.requests), b.requests
    assert any(url.endswith("pyodide.asm.wasm") for url in b.requests)  # the Worker's are seen
    assert any(url.endswith(".whl") for url in b.requests)
    assert b.js("document.querySelector('#drawing svg') !== null")
    assert b.js("document.getElementById('expr').value") == "tanh(x*w + b)"
    assert "Python 3.1" in b.js("document.getElementById('status').textContent")


def test_next_and_back_move_the_outline_and_the_text(playground, browser):
    b = opened(browser, playground)
    click(b, "first")
    start = b.wait(
        "document.body.dataset.step === '0' && document.getElementById('text').textContent"
    )
    assert start.startswith("start:")
    click(b, "next")
    b.wait("document.body.dataset.step === '1'")
    one = shown(b)
    click(b, "next")
    b.wait("document.body.dataset.step === '2'")
    two = shown(b)
    assert one[1] != two[1] and one[2] != two[2] and two[2].startswith("step 2 of ")
    assert one[1] == b.js("result.frames[1].node")
    click(b, "prev")
    b.wait("document.body.dataset.step === '1'")
    assert shown(b) == one
    assert "step=1" in b.js("location.search")


def test_the_gradients_at_the_end_are_those_of_backward_in_cpython(playground, browser):
    b = opened(browser, playground + "?expr=x*y%2Bx*z%2Fy&x=1.5&y=-2&z=3&step=end")
    x, y, z = Value(1.5, "x"), Value(-2.0, "y"), Value(3.0, "z")
    (x * y + x * z / y).backward()
    b.wait("document.querySelector('#drawing svg')")
    grads = {k: v for k, v in b.js(LEAF_GRADS).items() if k in "xyz"}
    assert grads == {
        "x": f"grad {fmt(x.grad)}",
        "y": f"grad {fmt(y.grad)}",
        "z": f"grad {fmt(z.grad)}",
    }


def test_the_shareable_link_opens_at_the_end_with_x_grad(playground, browser, tmp_path):
    b = opened(browser, playground + LINK)
    b.wait("document.querySelector('#drawing svg')")
    assert b.js(LEAF_GRADS)["x"] == "grad -1.503"
    assert b.js("document.body.dataset.step") == b.js("String(result.frames.length - 1)")
    assert "x.grad = -1.503" in b.js("document.getElementById('text').textContent")
    b.screenshot(tmp_path / "link.png")
    assert b.js("document.documentElement.scrollWidth") <= 1280


def test_dragging_a_leaf_updates_every_value_and_gradient(playground, browser):
    b = opened(browser, playground + LINK)
    before = b.js(LEAF_GRADS)
    b.js("""(() => { const r = document.querySelector('.leaf input[type=range][aria-label=x]');
      r.value = '1'; r.dispatchEvent(new Event('input')); })()""")
    b.wait("location.search.includes('x=1&')")
    b.wait(f"JSON.stringify({LEAF_GRADS}) !== {json.dumps(json.dumps(before))}")
    x, w, bias = Value(1.0), Value(-3.0), Value(6.88)
    (x * w + bias).tanh().backward()
    assert b.js(LEAF_GRADS)["w"] == f"grad {fmt(w.grad)}"


def test_a_bad_expression_shows_the_command_lines_caret_message(playground, browser):
    b = opened(browser, playground + "?expr=" + quote("x +* y"))
    try:
        parse("x +* y", {"x": 1.0, "y": 1.0})
    except ExpressionError as e:
        expected = f"refused: {e}"
    assert b.js("document.getElementById('graph-error').textContent") == expected
    assert b.js("document.getElementById('graph-error').hidden") is False


def test_quiz_mode_asks_before_showing_a_step(playground, browser):
    b = opened(browser, playground + "?expr=x*y&x=2&y=3&mode=quiz")
    click(b, "next")
    b.wait("!document.getElementById('quiz').hidden")
    assert b.js("document.body.dataset.step") == "0"
    b.js("document.getElementById('quiz-0').value = '-3'")  # d(xy)/dx is y = 3: sign flipped
    b.js("document.getElementById('quiz-1').value = ''")  # blank: no answer, never right
    click(b, "quiz-check")
    assert "the sign is wrong" in b.js("document.getElementById('quiz-mark-0').textContent")
    assert "not yet" in b.js("document.getElementById('quiz-mark-1').textContent")
    assert b.js("document.body.dataset.step") == "0"
    b.js("document.getElementById('quiz-0').value = '3'")
    b.js("document.getElementById('quiz-1').value = '2'")
    click(b, "quiz-check")
    b.wait("document.body.dataset.step === '1'")


def test_training_lowers_the_loss_and_redraws_the_boundary(playground, browser, tmp_path):
    b = opened(browser, playground + "?tab=train")
    b.js("document.getElementById('hidden').value = '8'")
    click(b, "train-step")
    b.wait("document.body.dataset.epoch === '1'")
    first = b.js("document.getElementById('boundary').toDataURL()")
    click(b, "train-start")
    b.wait("Number(document.body.dataset.epoch) >= 25", 120)
    click(b, "train-pause")
    losses = b.js("lossHistory")
    assert losses[-1] < losses[0]
    assert b.js("document.getElementById('boundary').toDataURL()") != first
    # the network is drawn, and a click on one of its neurons draws that neuron
    b.wait("document.querySelectorAll('#network g.node').length === 2 + 8 + 1")
    b.js(
        "[...document.querySelectorAll('#network g.node')].find("
        "n => n.querySelector('title').textContent === 'L0.N3')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"
    )
    b.wait("document.querySelector('#neuron svg')")
    assert "L0.N3.w0" in b.js("document.getElementById('neuron').textContent")
    b.js("document.querySelector('#neurons button').click()")  # the buttons do the same
    b.wait("document.getElementById('neuron').textContent.includes('L0.N0.w0')")
    b.screenshot(tmp_path / "train.png")


def test_an_exercise_check_shows_the_diagnosis(playground, browser):
    b = opened(browser, playground + "?tab=exercise&seed=3&size=3")
    b.wait("document.querySelectorAll('#answers input').length > 0")
    b.js("document.querySelectorAll('#answers input').forEach(i => { i.value = '0'; })")
    click(b, "ex-check")
    report = b.wait(
        "document.body.dataset.checked && document.getElementById('report').textContent"
    )
    assert "answers checked" in report and ("This step is wrong" in report or "carried" in report)
    assert "seed=3" in b.js("location.search")


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.sampled_from(["expr", "x", "step", "mode", "tab", "seed", "size", "<b>"]),
    value=st.sampled_from(HOSTILE),
)
def test_hostile_url_parameters_inject_nothing(host, playground, browser, key, value):
    b = opened(browser, f"{playground}?expr=x*2&{quote(key)}={quote(value)}")
    assert b.js("window.pwned") is None
    tags = "['script', 'img', 'iframe', 'object', 'embed']"
    counts = b.js(f"{tags}.map(t => document.getElementsByTagName(t).length)")
    # the two message catalogues, Graphviz, the check tab's report writer, the page's own
    assert counts == [5, 0, 0, 0, 0]
    assert b.js("document.querySelectorAll('[onerror], [onload]').length") == 0
    assert all(url.startswith(host) for url in b.requests)
