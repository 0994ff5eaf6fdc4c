"""Every page of the built site (``make docs``), served on 127.0.0.1 as CI does, in headless
Chromium at a laptop's width (1280 px) and a phone's (390 x 844): no page wider than its window,
zero axe-core violations of WCAG 2.2 AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa) on
the docs pages, every playground tab and state, the stepper pages and JupyterLite's entry page;
a keyboard-only walk through the playground; and the pages opened from disk saying how to open
them instead.

``make docs-check`` builds the site and runs this file. axe-core is pinned in web/package.json
(a dev dependency) and injected by the test: the site never holds it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cdp import AXE, SITE, Browser, playground_marks
from learner_source import TANH

from autograd import Value
from autograd.viz import BackwardStepper
from autograd.web.serve import start

pytestmark = [
    *playground_marks(),
    pytest.mark.skipif(not AXE.exists(), reason="web/node_modules: run `make docs-check`"),
]
SIZES = [(1280, 900), (390, 844)]
READY = "document.body.dataset.ready === '1'"
DOCS_PAGES = (
    sorted(
        str(p.relative_to(SITE))
        for p in SITE.rglob("*.html")
        if not p.name.startswith("_probe_") and not {"lite", "playground", "players"} & set(p.parts)
    )
    if SITE.exists()
    else []
)


def checked(b: Browser, where: str) -> list[str]:
    """What is wrong with the page as it is now: too wide, or axe's violations."""
    problems = []
    wide = b.too_wide()
    if wide:
        problems.append(f"{where}: {wide['page']} px wide in {wide['window']}: {wide['first']}")
    for v in b.axe():
        problems.append(f"{where}: axe {v['id']} ({v['help']}): {v['nodes']}")
    return problems


def click(b: Browser, id_: str) -> None:
    b.js(f"document.getElementById({id_!r}).click()")


def playground_states(b: Browser, host: str) -> Any:
    """Each state the issue lists, reached in turn; yields its name once it shows."""
    url = host + "playground/index.html"
    b.open(url + "?expr=tanh(x*w%2Bb)&x=2&w=-3&b=6.88")
    b.wait(READY, 120)
    yield "graph drawn"
    click(b, "next")
    click(b, "next")
    b.wait("document.body.dataset.step === '2'")
    yield "mid-step"
    b.js("document.querySelector('details.alt').open = true")
    yield "drawing as text open"
    b.open(url + "?expr=x*y&x=2&y=3&mode=quiz")
    b.wait(READY, 120)
    click(b, "next")
    b.wait("!document.getElementById('quiz').hidden")
    b.js("document.getElementById('quiz-0').value = 'x+1'")
    click(b, "quiz-check")
    b.wait("document.getElementById('quiz-mark-0').textContent.includes('not a number')")
    yield "quiz answered wrong"
    b.js("document.getElementById('quiz-0').value = '3'")
    b.js("document.getElementById('quiz-1').value = '2'")
    click(b, "quiz-check")
    b.wait("document.body.dataset.step === '1'")
    yield "quiz answered"
    b.open(url + "?expr=" + "x%20%2B*%20y")
    b.wait(READY, 120)
    yield "expression refused"
    b.open(url + "?tab=train")
    b.wait(READY, 120)
    b.js("document.getElementById('hidden').value = '8'")
    click(b, "train-start")
    b.wait("Number(document.body.dataset.epoch) >= 3", 120)
    yield "training running"
    click(b, "train-pause")
    b.js("document.querySelector('#neurons button').click()")
    b.wait("document.querySelector('#neuron svg')")
    yield "neuron drawn"
    b.js("document.getElementById('point').value = '3'")
    click(b, "point-show")
    b.wait("document.querySelector('#point-graph svg')")
    b.js("document.querySelector('#neurons button').dispatchEvent(new MouseEvent('mouseenter'))")
    b.wait("document.getElementById('heat').dataset.drawnFor")
    yield "point graph and neuron view"
    click(b, "train-stop")
    b.js("document.getElementById('hidden').value = '16, 16'")
    b.js("document.body.dataset.epoch = ''")
    click(b, "train-step")
    b.wait("document.body.dataset.epoch === '1'", 60)
    b.js("document.getElementById('point').value = '3'")
    click(b, "point-show")
    b.wait("chosenPoint === 3 && document.querySelector('#point-graph svg')")
    click(b, "point-steps")
    b.wait("document.body.dataset.pointStep === '0'", 60)
    for k in range(1, 6):
        click(b, "point-next")
        b.wait(f"document.body.dataset.pointStep === '{k}'")
    yield "a big network's point stepped"
    click(b, "train-stop")
    b.js("document.getElementById('dataset').value = 'spirals'")
    click(b, "train-step")
    b.wait("trained && trained.classes === 3")
    b.js("document.getElementById('add-point').click()")
    b.wait("document.body.dataset.points")
    yield "three classes, a point added"
    click(b, "train-stop")
    b.js("document.getElementById('dataset').value = 'moons'")
    b.js("document.getElementById('hidden').value = '16, 16'")
    b.js("document.getElementById('optimiser').value = 'sgd'")
    b.js("document.getElementById('lr').value = '100'")
    click(b, "train-start")
    b.wait("document.body.dataset.diverged === '1'", 60)
    yield "training diverged"
    b.open(url + "?tab=train&data=xor&hidden=4&epoch=3&point=2&hide=lr,optimiser")
    b.wait("document.body.dataset.epoch === '3' && chosenPoint === 2", 120)
    yield "a teacher's link"
    b.open(url + "?tab=train&data=%3Cb%3Ex%3C%2Fb%3E&epoch=2")
    b.wait("document.body.dataset.linkRefused === '1'", 120)
    yield "a link refused"
    b.open(url + "?tab=exercise&seed=3&size=3")
    b.wait(READY, 120)
    yield "exercise"
    b.js("document.querySelectorAll('#answers input').forEach(i => { i.value = '0'; })")
    click(b, "ex-check")
    b.wait("document.body.dataset.checked")
    yield "exercise checked"
    b.open(url + "?tab=engine")
    b.wait(READY, 120)
    yield "check tab"
    b.js(f"document.getElementById('engine-source').value = {json.dumps(TANH)}")
    click(b, "engine-check")
    b.wait(
        "document.body.dataset.engineResult === 'failed'"
        " && document.querySelector('#engine-failures svg')",
        120,
    )
    yield "engine checked, a mistake drawn"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_every_playground_tab_and_state_fits_and_passes_axe(host, browser, size, tmp_path):
    browser.resize(*size)
    problems = []
    seen = []
    for state in playground_states(browser, host):
        seen.append(state)
        problems += checked(browser, state)
        browser.screenshot(tmp_path / f"{state.replace(' ', '-')}-{size[0]}.png")
    assert len(seen) == 18
    assert problems == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_drawings_keep_their_text_readable_and_zoom_without_dragging(host, browser, size):
    browser.resize(*size)
    browser.open(host + "playground/index.html?tab=train")
    browser.wait(READY, 120)
    b = browser
    b.js("document.getElementById('hidden').value = '16, 16'")
    click(b, "train-step")
    b.wait("document.querySelector('#network svg')")
    b.wait("document.querySelector('#network').dataset.textPx")
    # the 16-16-1 overview at a readable size: its box scrolls instead of shrinking it
    assert float(b.js("document.getElementById('network').dataset.textPx")) >= 11
    # the charts are as wide as the window lets them be, and no wider
    width = b.js("document.getElementById('loss').getBoundingClientRect().width")
    assert 200 <= width <= min(size[0], 522)
    assert "epochs: first" in b.js("document.getElementById('loss').getAttribute('aria-label')")
    click(b, "tab-graph-button")
    b.wait("document.querySelector('#drawing svg')")
    before = float(b.js("document.getElementById('drawing').dataset.textPx"))
    assert before >= 11
    # zoom in with a button, out with the keyboard on the focused drawing
    b.js("document.querySelector('.zoom button[aria-label^=\"zoom in\"]').click()")
    assert float(b.js("document.getElementById('drawing').dataset.textPx")) > before
    b.js("document.getElementById('drawing').focus()")
    press(b, "-")
    assert abs(float(b.js("document.getElementById('drawing').dataset.textPx")) - before) < 0.2
    assert b.too_wide() is None


def press(b: Browser, key: str, code: str | None = None, vk: int = 0, text: str = "") -> None:
    """A key pressed and let go, as a keyboard does it."""
    if len(key) == 1 and not text:
        text = key
    down = "keyDown" if text else "rawKeyDown"
    extra: dict[str, Any] = {"text": text} if text else {}
    b.call(
        "Input.dispatchKeyEvent",
        session=b.page,
        type=down,
        key=key,
        code=code or key,
        windowsVirtualKeyCode=vk or (ord(key.upper()) if len(key) == 1 else 0),
        **extra,
    )
    b.call(
        "Input.dispatchKeyEvent",
        session=b.page,
        type="keyUp",
        key=key,
        code=code or key,
        windowsVirtualKeyCode=vk or (ord(key.upper()) if len(key) == 1 else 0),
    )


def tab_to(b: Browser, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element has the focus (as a keyboard user would)."""
    for _ in range(limit):
        if b.js("document.activeElement && document.activeElement.id") == element_id:
            return
        press(b, "Tab", "Tab", 9)
    raise AssertionError(f"Tab never reached #{element_id}")


def enter(b: Browser) -> None:
    press(b, "Enter", "Enter", 13, "\r")


def test_a_keyboard_only_walk_reaches_the_last_step_and_answers_a_quiz(host, browser):
    b = browser
    b.resize(1280, 900)
    b.open(host + "playground/index.html?expr=tanh(x*w%2Bb)&x=2&w=-3&b=6.88")
    b.wait(READY, 120)
    b.js("document.activeElement.blur()")
    tab_to(b, "tab-graph-button")
    press(b, "ArrowRight", "ArrowRight", 39)  # the tabs pattern: arrows move between tabs
    assert b.js("document.activeElement.id") == "tab-train-button"
    assert b.js("document.getElementById('tab-train').hidden") is False
    press(b, "ArrowLeft", "ArrowLeft", 37)
    assert b.js("document.getElementById('tab-graph').hidden") is False
    tab_to(b, "last")
    enter(b)
    b.wait("document.body.dataset.step === String(result.frames.length - 1)")
    assert "x.grad = -1.503" in b.js("document.getElementById('text').textContent")
    # nothing focused hides under the sticky bar
    tab_to(b, "drawing")
    bar = b.js("document.getElementById('bar').getBoundingClientRect().bottom")
    top = b.js("document.getElementById('drawing').getBoundingClientRect().top")
    assert top >= bar - 1
    # quiz mode, by keyboard: open the question, type both answers, Enter checks them
    b.open(host + "playground/index.html?expr=x*y&x=2&y=3&mode=quiz")
    b.wait(READY, 120)
    tab_to(b, "next")
    enter(b)
    b.wait("!document.getElementById('quiz').hidden")
    tab_to(b, "quiz-0")
    assert b.js("document.activeElement.inputMode") == "decimal"
    b.call("Input.insertText", session=b.page, text="3")
    tab_to(b, "quiz-1")
    b.call("Input.insertText", session=b.page, text="2")
    enter(b)
    b.wait("document.body.dataset.step === '1'")
    assert b.js("document.getElementById('quiz-score').textContent") == (
        "score: 2 of 2 right at the first try"
    )


def test_the_tabs_follow_the_aria_tabs_pattern(host, browser):
    b = browser
    b.open(host + "playground/index.html")
    b.wait(READY, 120)
    tabs = b.js(
        "[...document.querySelectorAll('[role=tab]')].map(t => [t.id, "
        "t.getAttribute('aria-controls'), t.getAttribute('aria-selected'), t.tabIndex])"
    )
    assert [t[2] for t in tabs] == ["true", "false", "false", "false"]
    assert [t[3] for t in tabs] == [0, -1, -1, -1]
    for tab_id, panel, _, _ in tabs:
        assert b.js(f"document.getElementById({panel!r}).getAttribute('role')") == "tabpanel"
        assert b.js(f"document.getElementById({panel!r}).getAttribute('aria-labelledby')") == (
            tab_id
        )
    assert b.js("document.getElementById('text').getAttribute('aria-live')") == "polite"


def test_the_current_node_is_marked_by_more_than_colour(host, browser):
    b = browser
    b.open(host + "playground/index.html?expr=x*y&x=2&y=3&step=1")
    b.wait(READY, 120)
    b.wait("document.querySelector('#drawing g.current')")
    dash = b.js(
        "getComputedStyle(document.querySelector('#drawing g.current polygon')).strokeDasharray"
    )
    assert dash not in ("", "none")
    others = b.js(
        "[...document.querySelectorAll('#drawing g.node:not(.current) polygon')]"
        ".map(p => getComputedStyle(p).strokeDasharray)"
    )
    assert others and all(d == "none" for d in others)
    listed = b.js("[...document.querySelectorAll('details.alt li')].map(li => li.textContent)")
    assert sum(t.startswith("\u25b6 this step") for t in listed) == 1


def test_reduced_motion_and_targets_of_24_px(host, browser):
    b = browser
    b.resize(390, 844)
    b.call(
        "Emulation.setEmulatedMedia",
        session=b.page,
        features=[{"name": "prefers-reduced-motion", "value": "reduce"}],
    )
    try:
        b.open(host + "playground/index.html")
        b.wait(READY, 120)
        assert b.js("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
        small = b.js(
            "[...document.querySelectorAll('button, select, input, summary')]"
            ".filter(e => e.offsetParent)"
            ".map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])"
            ".filter(([, r]) => r.width < 24 || r.height < 24).map(([n]) => n)"
        )
        assert small == []
    finally:
        b.call("Emulation.setEmulatedMedia", session=b.page, features=[])


def test_copy_link_says_what_it_did_without_a_clipboard(host, browser):
    b = browser
    b.resize(1280, 900)
    b.open(host + "playground/index.html")
    b.wait(READY, 120)
    b.js("Object.defineProperty(navigator, 'clipboard', {value: undefined}); 0")
    click(b, "share")
    b.wait("document.querySelector('#share-said input')")
    assert b.js("document.querySelector('#share-said input').value") == b.js("location.href")


def test_a_refused_expression_marks_the_old_graph_stale(host, browser):
    b = browser
    b.open(host + "playground/index.html")
    b.wait(READY, 120)
    b.js("document.getElementById('expr').value = 'x +* y'")
    click(b, "draw")
    b.wait("document.body.dataset.error === '1'")
    assert b.js("document.getElementById('drawing').classList.contains('stale')")
    assert b.js("document.getElementById('counter').textContent") == (
        "(the last expression that worked)"
    )
    b.js("document.getElementById('expr').value = 'x*2'")
    click(b, "draw")
    b.wait("!document.body.dataset.error")
    assert not b.js("document.getElementById('drawing').classList.contains('stale')")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_docs_pages_fit_and_pass_axe(host, browser, size):
    browser.resize(*size)
    problems = []
    for name in DOCS_PAGES:
        browser.open(host + name)
        browser.wait("document.readyState === 'complete'", 60)
        problems += checked(browser, name)
    assert len(DOCS_PAGES) > 20 and problems == []


def stepper_pages(tmp_path: Path) -> list[Path]:
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.88, "b")
    y = (x * w + b).tanh()
    pages = [tmp_path / "plain.html", tmp_path / "quiz.html"]
    BackwardStepper(y).to_html(str(pages[0]))
    BackwardStepper(y).to_html(str(pages[1]), quiz=True)
    return pages


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_stepper_pages_fit_and_pass_axe(host, browser, size, tmp_path):
    browser.resize(*size)
    server = start(tmp_path)
    try:
        local = f"http://127.0.0.1:{server.server_port}/"
        urls = [local + p.name for p in stepper_pages(tmp_path)]
        urls += [
            host + str(p.relative_to(SITE))
            for p in sorted((SITE / "_static" / "generated" / "players").glob("*.html"))
        ]
        problems = []
        for url in urls:
            for fragment in ("step=0", "step=2"):
                browser.open(f"{url}#{fragment}")
                browser.wait("document.body.dataset.step !== undefined", 30)
                problems += checked(browser, f"{url}#{fragment}")
        assert len(urls) >= 4 and problems == []
    finally:
        server.shutdown()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_the_jupyterlite_entry_page_fits_and_passes_axe(host, browser, size):
    browser.resize(*size)
    browser.open(host + "lite/tree/index.html")
    browser.wait("document.querySelector('.jp-DirListing-item')", 120)
    browser.pump(1)
    assert checked(browser, "lite/tree") == []


def test_opened_from_disk_the_playground_says_how_to_open_it(browser):
    b = browser
    b.resize(390, 844)
    b.open((SITE / "playground" / "index.html").as_uri())
    b.wait("document.body.dataset.fromDisk === '1'", 30)
    notice = b.js("document.getElementById('from-disk')")
    assert notice is not None and b.js("document.getElementById('from-disk').hidden") is False
    text = b.js("document.getElementById('from-disk').innerText")
    assert "make playground" in text and "file://" in text and "github.io" in text
    assert b.js("document.getElementById('status').textContent").startswith("Python cannot start")
    assert b.too_wide() is None


def test_opened_from_disk_the_notebooks_say_how_to_open_them(browser):
    b = browser
    b.resize(1280, 900)
    b.open((SITE / "lite" / "tree" / "index.html").as_uri())
    b.wait("document.body.dataset.fromDisk === '1'", 30)
    text = b.js("document.getElementById('autograd-from-disk').innerText")
    assert "make playground" in text and "lite/tree/index.html" in text
    box = b.js("document.getElementById('autograd-from-disk').getBoundingClientRect().height")
    assert box > 200  # shown over the blank page, not hidden behind it


def test_served_the_notices_stay_hidden(host, browser):
    b = browser
    b.open(host + "playground/index.html")
    b.wait(READY, 120)
    assert b.js("document.getElementById('from-disk').hidden") is True
    b.open(host + "lite/tree/index.html")
    b.wait("document.querySelector('.jp-DirListing-item')", 120)
    assert b.js("document.getElementById('autograd-from-disk').hidden") is True


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_the_playground_in_chinese(host, browser, size, tmp_path):
    b = browser
    b.resize(*size)
    b.open(host + "playground/index.html?lang=zh&expr=x*y&x=2&y=3&mode=quiz")
    b.wait(READY, 120)
    assert b.js("document.documentElement.lang") == "zh"
    assert b.js("document.getElementById('tab-graph-button').textContent") == "表达式"
    assert b.js("document.getElementById('text').textContent").startswith("开始：")
    assert b.js("document.getElementById('counter').textContent") == "开始"
    click(b, "next")
    b.wait("!document.getElementById('quiz').hidden")
    b.js("document.getElementById('quiz-0').value = '-3'")
    click(b, "quiz-check")
    assert "符号错了" in b.js("document.getElementById('quiz-mark-0').textContent")
    assert "lang=zh" in b.js("location.search")  # a copied link keeps the language
    problems = checked(b, "zh quiz")
    b.screenshot(tmp_path / f"zh-quiz-{size[0]}.png")
    for tab in ("train", "exercise"):
        click(b, f"tab-{tab}-button")
        problems += checked(b, f"zh {tab}")
    assert problems == []


def test_the_playground_follows_the_browsers_language(host, browser):
    b = browser
    b.resize(1280, 900)
    agent = b.js("navigator.userAgent")
    b.call("Network.setUserAgentOverride", session=b.page, userAgent=agent, acceptLanguage="zh-CN")
    try:
        b.open(host + "playground/index.html")
        b.wait(READY, 120)
        assert b.js("navigator.languages[0]").startswith("zh")
        assert b.js("document.documentElement.lang") == "zh"
        assert b.js("document.getElementById('draw').textContent") == "绘制"
        b.open(host + "playground/index.html?lang=en")  # the page's own choice wins
        b.wait(READY, 120)
        assert b.js("document.documentElement.lang") == "en"
    finally:
        b.call("Network.setUserAgentOverride", session=b.page, userAgent=agent, acceptLanguage="en")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_a_stepper_page_in_chinese(browser, size, tmp_path):
    b = browser
    b.resize(*size)
    server = start(tmp_path)
    try:
        pages = stepper_pages(tmp_path)
        b.open(f"http://127.0.0.1:{server.server_port}/{pages[1].name}?lang=zh#step=0")
        b.wait("document.body.dataset.step !== undefined", 30)
        assert b.js("document.documentElement.lang") == "zh"
        assert b.js("document.getElementById('next').textContent") == "下一步 ›"
        assert b.js("document.getElementById('text').textContent").startswith("开始：")
        assert b.js("document.getElementById('question').textContent").endswith(
            "这一步之后，这些梯度是多少？"
        )
        b.js("document.getElementById('answer-0').value = 'x+1'")
        click(b, "check")
        assert b.js("document.getElementById('mark-0').textContent").startswith("✗ 不是数字")
        b.screenshot(tmp_path / f"stepper-zh-{size[0]}.png")
        assert checked(b, "stepper zh") == []
    finally:
        server.shutdown()
