"""The exported HTML page, opened in headless Chromium: stepping changes the highlighted node."""

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from cdp import HEADLESS
from graphs import neuron

from autograd import Value
from autograd.viz import BackwardStepper
from autograd.viz import rendering as viz_render
from autograd.viz.inpage import renderer
from autograd.viz.style import fmt

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [*HEADLESS, "--window-size=1280,800"]  # what a learner sees on a laptop


class VisibleFrame(HTMLParser):
    """Collects, from a dumped DOM, the titles of highlighted nodes in the visible frame."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # > 0 while inside the visible frame
        self.in_current = 0
        self.in_title = False
        self.current: list[str] = []
        self.step = None
        self.in_text = False
        self.text = ""
        self.in_frame_text = False
        self.texts: list[str] = []  # every text element of the visible frame, in order

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.step = a.get("data-step")
        self.in_text = tag == "div" and a.get("id") == "text"
        if tag == "div" and "frame" in (a.get("class") or "").split() and "hidden" not in a:
            self.depth = 1
        elif self.depth:
            self.depth += tag not in ("br",)
            if tag == "g" and "current" in (a.get("class") or "").split():
                self.in_current = self.depth
            self.in_title = tag == "title" and self.in_current > 0
            self.in_frame_text = tag == "text"

    def handle_endtag(self, tag):
        self.in_text = False
        self.in_frame_text = False
        if self.depth:
            if self.in_current == self.depth:
                self.in_current = 0
            self.depth -= 1
            self.in_title = False

    def handle_data(self, data):
        if self.in_title and data.strip():
            self.current.append(data.strip())
        if self.in_text:
            self.text += data
        if self.in_frame_text:
            self.texts.append(data)


def page_dom(tmp_path, page, fragment):
    """The page's DOM after Chromium opened it at ``#fragment`` (which may press buttons)."""
    profile = tmp_path / f"profile-{abs(hash(fragment))}"
    out = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--dump-dom",
            f"{page.as_uri()}#{fragment}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout


def dump(tmp_path, page, fragment):
    parser = VisibleFrame()
    parser.feed(page_dom(tmp_path, page, fragment))
    return parser


def in_browser(test):
    """Slow, and skipped (saying why) without Chromium or Graphviz."""
    for mark in (
        pytest.mark.slow,
        pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
        pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed"),
    ):
        test = mark(test)
    return test


@in_browser
def test_clicking_next_and_back_moves_the_highlight_and_the_arithmetic(tmp_path):
    y, _ = neuron()
    s = BackwardStepper(y)
    page = tmp_path / "steps.html"
    s.to_html(str(page))
    expected = [s.ids[step.node] for step in s.steps]
    assert expected == ["v5", "v4", "v2"]
    start = dump(tmp_path, page, "step=0")
    assert (start.step, start.current) == ("0", [])  # frame 0: before any step
    assert start.text.startswith("start: n3 = tanh(n2) = 0.7064. Backward begins")
    one = dump(tmp_path, page, "click=next")
    assert (one.step, one.current) == ("1", ["v5"])
    assert one.text == s.describe(s.steps[0]) and "local d(tanh(n2))/dn2 = 1 - n3 × n3" in one.text
    two = dump(tmp_path, page, "click=next,next")
    assert (two.step, two.current) == ("2", ["v4"]) and two.text == s.describe(s.steps[1])
    back = dump(tmp_path, page, "click=last,prev")
    assert (back.step, back.current) == ("2", ["v4"])


@in_browser
def test_the_last_frame_shows_the_gradients_of_backward(tmp_path):
    a = Value(-3.0, "a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    page = tmp_path / "abc.html"
    s = BackwardStepper(c)
    s.to_html(str(page))
    last = dump(tmp_path, page, "click=last")
    assert last.step == "2" and "a.grad: -12 -> -24 (adds up)" in last.text
    c.backward()
    shown = " ".join(last.texts)
    for v in (a, b, c):
        assert f"{v.label} data {fmt(v.data)} grad {fmt(v.grad)}" in shown
    assert "grad ·" not in shown


@in_browser
def test_a_label_that_opens_a_comment_does_not_stop_the_player(tmp_path):
    x = Value(2.0, "<!--<script>")
    y = (x * 3).tanh()
    page = tmp_path / "hostile.html"
    BackwardStepper(y).to_html(str(page), title="</script><!--")
    two = dump(tmp_path, page, "click=next,next")
    assert two.step == "2" and "<!--<script>.grad" in two.text


def test_page_is_self_contained_and_draws_dot_text_in_the_page(tmp_path, monkeypatch):
    y, _ = neuron()
    monkeypatch.setattr(viz_render.shutil, "which", lambda name: None)
    text = BackwardStepper(y).to_html(str(tmp_path / "p.html"))
    assert text.count('<div class="frame"') == 4
    assert text.count('<pre class="dot">digraph autograd') == 4
    assert text.count(renderer()) == 1  # the wasm Graphviz, embedded once
    mine = text.replace(renderer(), "")  # its licence header names two web sites; it loads none
    assert "http://" not in mine.replace("http://www.w3.org", "") and "https://" not in mine
    with pytest.raises(ValueError, match="max_frames"):
        BackwardStepper(y).to_html(max_frames=3)
    assert "<title>Backward pass: tanh(x × w + b)</title>" in text
    for glyph in ("&#9198;", "&#9197;", "⏮", "⏭", "▶", "◀"):  # fonts may lack these
        assert glyph not in text


def quiz_state(dom):
    """(step shown, marks of the quiz fields, score) from a dumped quiz page."""
    step = re.search(r'<body data-step="(\d+)"', dom)
    marks = re.findall(r'<span class="mark" id="mark-\d+" data-mark="(\w+)">([^<]*)</span>', dom)
    score = re.search(r'<span id="score"[^>]*>([^<]*)</span>', dom)
    return (step[1] if step else None), marks, (score[1] if score else None)


def dump_quiz(tmp_path, page, fragment):
    return quiz_state(page_dom(tmp_path, page, fragment))


@in_browser
def test_the_quiz_marks_a_wrong_then_a_right_answer_and_keeps_the_score(tmp_path):
    a = Value(-3.0, "<a>")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    page = tmp_path / "quiz.html"
    BackwardStepper(c).to_html(str(page), quiz=True)
    text = page.read_text(encoding="utf-8")
    assert "<a>" not in text.split('id="quiz-data">')[1]  # escaped in the embedded JSON
    # Before any answer: the first question is asked, and next does not skip it.
    assert dump_quiz(tmp_path, page, "click=next,last") == (
        "0",
        [],
        "score: 0 of 0 right at the first try",
    )
    wrong = dump_quiz(tmp_path, page, "click=answer-0:12,check")
    assert wrong == (  # the sign flipped: the quiz says so, as the exercises do
        "0",
        [("wrong", "✗ the sign is wrong (the size is right).")],
        "score: 0 of 1 right at the first try",
    )
    other = dump_quiz(tmp_path, page, "click=answer-0:7,check")
    assert other[1] == [("wrong", "✗ not yet, try again")]  # no typical mistake fits 7
    right = dump_quiz(tmp_path, page, "click=answer-0:12,check,answer-0:-12,check")
    assert right == ("1", [("right", "✓ right")], "score: 0 of 1 right at the first try")
    both = dump_quiz(tmp_path, page, "click=answer-0:−12,check,next,answer-0:-24,check")
    assert both == ("2", [("right", "✓ right")], "score: 2 of 2 right at the first try")
    shown = dump_quiz(tmp_path, page, "click=reveal")
    assert shown == ("1", [("shown", "it is -12")], "score: 0 of 1 right at the first try")


@in_browser
def test_the_quiz_accepts_only_the_same_infinity_where_the_gradient_is_infinite(tmp_path):
    x = Value(0.0, "x")
    y = x**0.5  # dy/dx at 0 is inf: |5 - inf| <= rtol * inf once let 5 pass
    y.label = "y"
    page = tmp_path / "quiz.html"
    BackwardStepper(y).to_html(str(page), quiz=True)
    finite = dump_quiz(tmp_path, page, "click=answer-0:5,check")
    assert finite[1] == [("wrong", "✗ not yet, try again")]
    blank = dump_quiz(tmp_path, page, "click=answer-0:,check")
    assert blank[1] == [("wrong", "✗ not yet, try again")]
    for typed in ("inf", "Infinity", "∞"):
        assert dump_quiz(tmp_path, page, f"click=answer-0:{typed},check")[1] == [
            ("right", "✓ right")
        ], typed


@in_browser
def test_the_current_node_is_on_screen_at_every_step_at_1280_px(tmp_path):
    """The issue's page: the output sits past the right edge at 1280 px; each step scrolls its
    node into the window (the page says whether it is, from the layout Chromium made)."""
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.88, "b")
    y = ((x * w + b).sigmoid() - 1) ** 2
    page = tmp_path / "wide.html"
    stepper = BackwardStepper(y)
    stepper.to_html(str(page))
    for k in range(1, len(stepper) + 1):
        dom = page_dom(tmp_path, page, f"step={k}")
        assert f'data-step="{k}"' in dom
        assert 'data-current-visible="yes"' in dom, k
    moved = page_dom(tmp_path, page, "step=3&click=first,last,prev,prev")
    assert 'data-current-visible="yes"' in moved
