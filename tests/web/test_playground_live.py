"""The training tab's live views in headless Chromium over the served site: a chosen point's
graph is drawn and relabelled after the next epoch, a neuron's hover shows its heat map, and its
weight table shows autograd.nn.optim's Adam state as native Python computes it.

Needs ``docs/_build/html/playground``: ``make docs-check`` builds it and runs this file.
"""

from __future__ import annotations

import pytest
from cdp import Browser, playground_marks

from autograd.core.value import Value
from autograd.web.live import weight_rows
from autograd.web.training import Trainer

pytestmark = [
    *playground_marks(),
]
LABELS = "[...document.querySelectorAll('#point-graph svg text')].map(t => t.textContent).join('|')"


@pytest.fixture(scope="module")
def page(playground, browser):
    b = browser
    b.open(f"{playground}?tab=train")
    b.wait("document.body.dataset.ready === '1'", 120)
    b.js("document.getElementById('hidden').value = '4'")
    b.js("document.getElementById('train-step').click()")
    b.wait("document.body.dataset.epoch === '1'", 60)
    return b


def epoch(b: Browser, n: int) -> None:
    b.js("document.getElementById('train-step').click()")
    b.wait(f"document.body.dataset.epoch === '{n}'", 60)


def test_a_clicked_point_is_drawn_and_relabelled_after_the_next_epoch(page):
    b = page
    # a click on the canvas where point 5 is drawn chooses point 5
    b.js("""(() => { const c = document.getElementById('boundary'), r = c.getBoundingClientRect();
      const [x0, x1, y0, y1] = trained.box, [x, y] = trained.points[5];
      c.dispatchEvent(new MouseEvent('click', { clientX: r.left + (x - x0) / (x1 - x0) * r.width,
        clientY: r.top + (y1 - y) / (y1 - y0) * r.height })); })()""")
    b.wait("document.body.dataset.pointDrawn === '1'")
    assert b.js("chosenPoint") == 5 and b.js("document.getElementById('point').value") == "5"
    before = b.js(LABELS)
    assert "point 5" in before and "after epoch 1" in before
    epoch(b, 2)
    b.wait("document.body.dataset.pointDrawn === '2'")
    after = b.js(LABELS)
    assert "after epoch 2" in after and after != before
    # by keyboard: a number and Enter
    b.js("document.getElementById('point').value = '7'")
    b.js(
        "document.getElementById('point')"
        ".dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}))"
    )
    b.wait("document.body.dataset.pointDrawn === '3'")
    assert "point 7" in b.js(LABELS)


def test_a_neurons_hover_shows_its_heat_map_and_adams_state(page):
    b = page
    b.js(
        "document.querySelectorAll('#neurons button')[1]"
        ".dispatchEvent(new MouseEvent('mouseenter'))"
    )
    b.wait("document.getElementById('heat').dataset.drawnFor === 'L0.N1'")
    assert not b.js("document.getElementById('neuron-view').hidden")
    epoch_now = int(b.js("document.body.dataset.epoch"))
    b.wait(f"document.body.dataset.viewed === 'L0.N1@{epoch_now}'")
    shown = b.js(
        "[...document.querySelectorAll('#weights tbody tr')]"
        ".map(r => [...r.children].map(c => c.textContent))"
    )
    # the same training in native Python: the page's defaults (moons, relu, Adam, 0.05)
    t = Trainer("moons", "4", "relu", "adam", 0.05)
    for _ in range(epoch_now):
        t.epoch()
    want = weight_rows(t, "L0.N1")
    assert [row[0] for row in shown] == [w["name"] for w in want]
    for row, w in zip(shown, want, strict=True):
        for text, key in zip(row[1:], ["value", "grad", "m", "sqrt_v", "step"], strict=True):
            assert float(text) == pytest.approx(w[key], rel=1e-3, abs=1e-12), (key, row)
    # the table follows the next epoch, and its "next step" is the step that epoch took
    ahead = b.js("viewed.weights")
    epoch(b, epoch_now + 1)
    b.wait(f"document.body.dataset.viewed === 'L0.N1@{epoch_now + 1}'")
    now = b.js("viewed.weights")
    for row, before, after in zip(shown, ahead, now, strict=True):
        assert after["value"] == before["next"]  # == on floats: bit for bit
        moved = b.js(f"({after['value']!r} - {before['value']!r}).toPrecision(4)")
        assert row[-1] == moved, (row, before, after)  # the printed step, as printed


def loss_after_one_epoch(b: Browser, change: str = "") -> float:
    """Start again, make ``change`` (JavaScript), train one epoch: its loss."""
    b.js("document.getElementById('train-stop').click()")
    b.js("document.body.dataset.epoch = ''")
    b.js("document.getElementById('train-step').click()")
    b.wait("document.body.dataset.epoch === '1'", 60)
    if change:
        b.js("document.body.dataset.points = ''")
        b.js(change)
        b.wait("document.body.dataset.points", 30)
    b.js("document.getElementById('train-step').click()")
    b.wait("document.body.dataset.epoch === '2'", 60)
    return float(b.js("trained.loss"))


def test_a_point_added_by_click_or_keyboard_changes_the_next_epochs_loss(page):
    b = page
    plain = loss_after_one_epoch(b)
    click_add = """(() => { document.getElementById('click-does').value = 'add1';
      const c = document.getElementById('boundary'), r = c.getBoundingClientRect();
      c.dispatchEvent(new MouseEvent('click', { clientX: r.left + 5, clientY: r.top + 5 })); })()"""
    assert loss_after_one_epoch(b, click_add) != plain
    assert b.js("trained.points.length") == 65 and b.js("trained.points[64][2]") == 1
    keyboard_add = """(() => { document.getElementById('add-x').value = '2';
      document.getElementById('add-y').value = '-1';
      document.getElementById('add-class').value = '0';
      document.getElementById('add-point').click(); })()"""
    assert loss_after_one_epoch(b, keyboard_add) != plain
    assert b.js("trained.points[64]") == [2, -1, 0]
    b.js("document.getElementById('click-does').value = 'choose'")


def test_three_classes_and_a_learning_rate_that_diverges(page):
    b = page
    b.js("document.getElementById('train-stop').click()")
    b.js("document.getElementById('dataset').value = 'spirals'")
    b.js("document.body.dataset.epoch = ''")
    b.js("document.getElementById('train-step').click()")
    b.wait("document.body.dataset.epoch === '1'", 60)
    assert b.js("trained.classes") == 3
    assert "softmax" in b.js("document.querySelector('#loss-figure small').textContent")
    b.js("document.getElementById('train-stop').click()")
    b.js("document.getElementById('dataset').value = 'moons'")
    b.js("document.getElementById('optimiser').value = 'sgd'")
    b.js("document.getElementById('lr').value = '100'")
    b.js("document.getElementById('hidden').value = '16, 16'")
    b.js("document.getElementById('train-start').click()")
    b.wait("document.body.dataset.diverged === '1'", 60)
    said = b.js("document.getElementById('train-error').textContent")
    assert "training diverged" in said and "Try a smaller learning rate" in said
    assert not b.js("document.getElementById('train-error').hidden")


def test_a_copied_link_reproduces_the_loss_bit_for_bit_in_a_fresh_page(page):
    b = page
    b.js("document.getElementById('train-stop').click()")
    for id_, value in [("dataset", "moons"), ("hidden", "5"), ("optimiser", "adam"),
                       ("lr", "0.05"), ("tseed", "3")]:  # fmt: skip
        b.js(f"document.getElementById({id_!r}).value = {value!r}")
    b.js("document.body.dataset.epoch = ''")
    for n in (1, 2):
        epoch(b, n)
    b.js("document.body.dataset.points = ''")
    b.js("document.getElementById('add-x').value = '0.7'")
    b.js("document.getElementById('add-point').click()")
    b.wait("document.body.dataset.points")
    b.js("document.getElementById('point').value = '4'")
    b.js("document.getElementById('point-show').click()")
    b.wait("chosenPoint === 4")
    epoch(b, 3)
    link, loss = b.js("location.href"), b.js("trained.loss")
    assert "epoch=3" in link and "edits=" in link and "point=4" in link
    with Browser() as fresh:
        fresh.open(link + "&hide=lr,optimiser")
        fresh.wait("document.body.dataset.epoch === '3'", 120)
        fresh.wait("chosenPoint === 4")
        assert fresh.js("trained.loss") == loss  # == on floats: bit for bit
        assert fresh.js("trained.points.length") == 65
        assert fresh.js("document.getElementById('lr').closest('label').hidden")
        assert fresh.js("document.getElementById('optimiser').closest('label').hidden")
        assert not fresh.js("document.getElementById('hidden').closest('label').hidden")


HOSTILE_LINKS = [
    "data=%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E&epoch=2",
    "hide=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E&epoch=2",
    "edits=%5B%5B1%2C%22add%22%2C%5B1e999%2C0%2C0%5D%5D%5D&epoch=3",
    "edits=not%20json&epoch=2",
    "epoch=1e9",
    "hidden=%22%3E%3Csvg%20onload%3Dwindow.pwned%3D1%3E&epoch=2",
    "tseed=-1&epoch=2",
]


@pytest.mark.parametrize("query", HOSTILE_LINKS)
def test_a_hostile_link_is_refused_with_a_message_and_injects_nothing(playground, query):
    with Browser() as b:  # a fresh page, which has trained nothing
        b.open(f"{playground}?tab=train&{query}")
        b.wait("document.body.dataset.ready === '1'", 120)
        b.wait("document.body.dataset.linkRefused === '1'", 30)
        said = b.js("document.getElementById('train-error').textContent")
        assert said.startswith("This link was refused:")
        assert b.js("window.pwned") is None
        assert (
            b.js("document.querySelectorAll('main img, main script, #train-error *').length") == 0
        )
        assert not b.js("Boolean(trained)")


def test_a_small_networks_point_steps_through_its_backward_pass(page):
    b = page
    b.js("document.getElementById('train-stop').click()")
    b.js("document.getElementById('hidden').value = '2'")
    b.js("document.getElementById('dataset').value = 'xor'")
    b.js("document.getElementById('optimiser').value = 'adam'")
    b.js("document.getElementById('lr').value = '0.05'")
    b.js("document.body.dataset.epoch = ''")
    epoch(b, 1)
    b.js("document.getElementById('point').value = '1'")
    b.js("document.getElementById('point-show').click()")
    b.wait("chosenPoint === 1")
    b.js("document.getElementById('point-steps').click()")
    b.wait("document.body.dataset.pointStep === '0'")
    assert b.js("document.getElementById('point-text').textContent").startswith("start")
    b.js("document.getElementById('point-next').click()")
    b.wait("document.body.dataset.pointStep === '1'")
    assert b.js("document.getElementById('point-text').textContent").startswith("step 1 of")
    assert b.js("document.querySelector('#point-graph g.current') !== null")


def test_the_default_networks_point_steps_a_neuron_at_a_time_to_the_engines_gradients(page):
    b = page
    b.js("document.getElementById('train-stop').click()")
    for id_, value in [("dataset", "moons"), ("hidden", "16, 16"), ("activation", "relu"),
                       ("optimiser", "adam"), ("lr", "0.05"), ("tseed", "0")]:  # fmt: skip
        b.js(f"document.getElementById({id_!r}).value = {value!r}")
    b.js("document.body.dataset.epoch = ''")
    for n in (1, 2):
        epoch(b, n)
    b.js("document.getElementById('point').value = '6'")
    b.js("document.getElementById('point-show').click()")
    b.wait("chosenPoint === 6")
    b.js("document.getElementById('point-steps').click()")
    b.wait("document.body.dataset.pointStep === '0'", 60)
    assert b.js("document.getElementById('train-error').hidden")
    n = b.js("pointFrames.length") - 1
    assert 30 < n < 60  # a neuron at a time: 16 + 16 + 1 neurons and the loss's nodes
    slowest = 0.0
    for k in range(1, n + 1):
        b.js("window.clickedAt = performance.now()")
        b.js("document.getElementById('point-next').click()")
        b.wait(f"document.body.dataset.pointStep === '{k}'", 10)
        slowest = max(slowest, b.js("performance.now() - window.clickedAt"))
        assert b.js("document.querySelector('#point-graph svg .current') !== null")
    assert slowest < 1000, f"a step took {slowest:.0f} ms to draw"
    # the same point's gradients in native Python, after the same two epochs
    t = Trainer("moons", "16, 16", "relu", "adam", 0.05)
    for _ in range(2):
        t.epoch()
    x = [Value(v) for v in t.X[6]]
    t.model.zero_grad()
    t.task.loss([t.model(x)], [t.y[6]]).backward()
    engine = {p.label: p.grad for p in t.model.layers[0].parameters()}
    shown: dict[str, float] = {}
    for frame in b.js("pointFrames"):
        shown.update({k: v for k, v in frame.get("grads", {}).items() if k.startswith("L0.")})
    assert shown.keys() == engine.keys()
    for label, grad in engine.items():
        assert shown[label] == pytest.approx(grad, rel=1e-12, abs=1e-300), label
    last = b.js("pointFrames[pointFrames.length - 1]")
    said = b.js("document.getElementById('point-text').textContent")
    assert said == last["text"] and "L0.N15's parameters' gradients now:" in said
    assert last["grads"] and all(k.startswith("L0.N15.") for k in last["grads"])
