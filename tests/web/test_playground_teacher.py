"""The playground in headless Chromium over the served site, at a laptop's and a phone's width:
the training tab's neuron view says what it shows in a caption that is never cut off and draws
no gradient it never computes; the check tab's report is Chinese on the Chinese page; a
teacher's link built with the page's own controls hides what was ticked and replays the same
loss. Each state fits its window and passes axe-core (WCAG 2.2 AA).

Needs ``docs/_build/html/playground``: ``make docs-check`` builds it and runs this file.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from cdp import Browser, playground_marks
from learner_source import TANH

from autograd.testing.mutants import engine_source

pytestmark = [
    *playground_marks(),
]
SIZES = [(1280, 900), (390, 844)]
READY = "document.body.dataset.ready === '1'"
CJK = re.compile("[\u4e00-\u9fff]")
UPSTREAM = engine_source("mul-upstream")


def problems(b: Browser, where: str) -> list[str]:
    """The page wider than its window, or axe's violations, as it is now."""
    found = []
    wide = b.too_wide()
    if wide:
        found.append(f"{where}: {wide['page']} px wide in {wide['window']}: {wide['first']}")
    found += [f"{where}: axe {v['id']} ({v['help']}): {v['nodes']}" for v in b.axe()]
    return found


def train(b: Browser, address: str, epochs: int) -> None:
    b.open(address)
    b.wait(READY, 120)
    b.js("document.getElementById('dataset').value = 'xor'")
    b.js("document.getElementById('hidden').value = '4, 4'")
    for n in range(1, epochs + 1):
        b.js("document.getElementById('train-step').click()")
        b.wait(f"document.body.dataset.epoch === '{n}'", 60)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_the_neuron_view_is_titled_in_full_and_shows_no_gradient_it_never_computes(
    playground, browser, size, lang, tmp_path
):
    b = browser
    b.resize(*size)
    train(b, f"{playground}?tab=train&lang={lang}", 2)
    b.js("document.querySelectorAll('#neurons button')[5].click()")  # L1.N1: its inputs in0..
    b.wait("document.querySelector('#neuron svg')")
    caption = "document.getElementById('neuron-caption')"
    b.js(f"{caption}.scrollIntoView()")
    text = b.js(f"{caption}.textContent")
    assert "L1.N1" in text and "2" in text and bool(CJK.search(text)) == (lang == "zh")
    # the whole title shows: nothing of it is cut off or scrolled away
    assert b.js(f"{caption}.scrollWidth <= {caption}.clientWidth")
    assert b.js(f"{caption}.getBoundingClientRect().right <= window.innerWidth")
    shown = b.js("document.getElementById('neuron').textContent")
    assert "in0" in shown and "L1.N1.w0" in shown and "grad" in shown  # the parameters' own
    assert "grad ·" not in shown and "not computed" not in shown
    # the text alternative too: a gradient for each of the 4 weights and the bias, no other
    listed = b.js("document.querySelector('#neuron + details.alt').textContent")
    assert "grad ·" not in listed and listed.count("grad ") == 5
    b.screenshot(tmp_path / f"neuron-{lang}-{size[0]}.png")
    assert problems(b, f"neuron view {lang} {size[0]}") == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_a_planted_mistake_is_reported_in_chinese_on_the_chinese_page(
    playground, browser, size, tmp_path
):
    b = browser
    b.resize(*size)
    b.open(playground + "?tab=engine&lang=zh")
    b.wait(READY, 120)
    b.js(f"document.getElementById('engine-source').value = {json.dumps(TANH)}")
    b.js("document.getElementById('engine-check').click()")
    b.wait("document.body.dataset.engineResult", 120)
    assert b.js("document.body.dataset.engineResult") == "failed"
    report = b.js("document.getElementById('engine-report').textContent")
    first, problem, said = report.splitlines()[:3]
    assert "发现 1 个问题" in first and "项检查通过" in first
    assert problem.startswith("1. 局部导数错误（运算 tanh）")  # the kind and its operation
    assert "_backward 用错了局部导数" in problem  # the kind's advice, in Chinese
    local = "tanh 的局部导数：在 a = -1.3 处 d(a.tanh())/da 是 0.2574，你的给出 -0.69"
    assert said.strip() == local  # the judge's detail too, said in Chinese
    assert "英文" not in report  # nothing left to quote in English
    assert "a.grad：正确的梯度是 0.257433，你的是 -0.69" in report  # both numbers, in Chinese
    assert "正确：" in report and "Right:" not in report
    assert "因为问题 1 而未检查：更大的计算图中的 tanh。" in report  # the phrases, in Chinese
    assert "一条 3000 个节点的链" in report and "in larger graphs" not in report
    b.wait("document.querySelector('#engine-failures svg')")
    heading = b.js("document.querySelector('#engine-failures h3').textContent")
    assert heading == "问题 1：局部导数错误"
    b.js("document.getElementById('engine-report').scrollIntoView()")
    b.screenshot(tmp_path / f"engine-zh-{size[0]}.png")
    assert problems(b, f"zh report {size[0]}") == []


def test_a_classic_mistakes_detail_is_said_in_chinese_nested_phrases_too(playground, browser):
    b = browser
    b.resize(1280, 900)
    b.open(playground + "?tab=engine&lang=zh")
    b.wait(READY, 120)
    b.js(f"document.getElementById('engine-source').value = {json.dumps(UPSTREAM)}")
    b.js("document.getElementById('engine-check').click()")
    b.wait("document.body.dataset.engineResult", 120)
    report = b.js("document.getElementById('engine-report').textContent")
    # the mistake's explanation, and inside it the numbers' phrase, both in Chinese
    assert "mul 的 backward 没有乘以 out.grad" in report, report
    assert ".grad：应为 " in report and "英文" not in report, report


def test_a_source_that_does_not_run_is_reported_in_chinese(playground, browser):
    b = browser
    b.resize(1280, 900)
    b.open(playground + "?tab=engine&lang=zh")
    b.wait(READY, 120)
    b.js("document.getElementById('engine-source').value = 'class Value(:'")
    b.js("document.getElementById('engine-check').click()")
    b.wait("document.body.dataset.engineResult", 120)
    report = b.js("document.getElementById('engine-report').textContent")
    assert report.startswith("你的代码无法运行：SyntaxError")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_a_teacher_link_built_on_the_page_hides_the_ticked_controls_and_replays_the_loss(
    playground, browser, size, tmp_path
):
    b = browser
    b.resize(*size)
    train(b, f"{playground}?tab=train", 3)
    losses = b.js("JSON.stringify(lossHistory)")
    b.js("document.getElementById('teacher').open = true")
    for key in ("lr", "optimiser"):  # ticked as a teacher would: a click on each
        b.js(f"document.querySelector('#teacher input[value={key}]').click()")
    b.js("document.getElementById('teacher-copy').click()")
    b.wait("!document.getElementById('teacher-link').hidden")
    assert b.js("document.getElementById('teacher-said').textContent")  # it says what it did
    link = b.js("document.getElementById('teacher-link').value")
    query = parse_qs(urlsplit(link).query)
    assert set(query["hide"][0].split(",")) == {"lr", "optimiser"} and query["epoch"] == ["3"]
    b.screenshot(tmp_path / f"teacher-built-{size[0]}.png")
    found = problems(b, f"teacher link built {size[0]}")
    b.open(link)  # a fresh page, as a student opens it
    b.wait("document.body.dataset.epoch === '3'", 120)
    assert b.js("JSON.stringify(lossHistory)") == losses  # bit for bit
    visible = "(id) => !document.getElementById(id).closest('[hidden]')"
    for hidden in ("lr", "optimiser", "teacher"):
        assert not b.js(f"({visible})({hidden!r})"), hidden
    for shown in ("dataset", "hidden", "activation", "tseed", "add-point", "tab-engine-button"):
        assert b.js(f"({visible})({shown!r})"), shown
    b.screenshot(tmp_path / f"teacher-opened-{size[0]}.png")
    found += problems(b, f"teacher link opened {size[0]}")
    assert found == []


def test_a_teacher_link_before_training_says_to_train_first(playground, browser):
    b = browser
    b.resize(1280, 900)
    b.open(playground + "?tab=train&lang=zh")
    b.wait(READY, 120)
    b.js("document.getElementById('teacher').open = true")
    b.js("document.getElementById('teacher-copy').click()")
    said = b.js("document.getElementById('teacher-said').textContent")
    assert CJK.search(said) and b.js("document.getElementById('teacher-link').hidden")
