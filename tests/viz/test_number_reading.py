"""A typed number is read the same in Python (``autograd.viz.quiz.read_number``, which marks
the command line's and the playground's exercises) and in the pages' JavaScript (the
playground's quiz, the stepper page's quiz): the same text, the same number or none."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd.viz.quiz import read_number

ROOT = Path(__file__).resolve().parents[2]
READERS = {
    "playground": (ROOT / "web/playground/app.js", "typedNumber"),
    "stepper page": (ROOT / "autograd/viz/page.py", "readNumber"),
}
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")


def js_function(path: Path, name: str) -> str:
    found = re.search(rf"^function {name}\(text\) {{.*?^}}$", path.read_text(), re.S | re.M)
    assert found, f"{name} not found in {path}"
    return found.group(0)


@pytest.fixture(scope="module")
def node():
    """One Node.js process per reader: a JSON list of texts in, the numbers read out."""
    loop = """
const lines = require("readline").createInterface({ input: process.stdin });
const shown = (x) => x === null ? "null" : Object.is(x, -0) ? "-0" : String(x);
lines.on("line", (l) => console.log(JSON.stringify(JSON.parse(l).map((t) => shown(%s(t))))));
"""
    procs = {
        where: subprocess.Popen(
            ["node", "-e", js_function(path, name) + loop % name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for where, (path, name) in READERS.items()
    }
    yield procs
    for proc in procs.values():
        proc.stdin.close()
        proc.wait(timeout=10)


def in_js(proc: subprocess.Popen, texts: list[str]) -> list[float | None]:
    proc.stdin.write(json.dumps(texts) + "\n")
    proc.stdin.flush()
    return [None if s == "null" else float(s) for s in json.loads(proc.stdout.readline())]


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


CHARS = "0123456789+-.eE/ ,\t\u2212\u221e_\u0663\uff11\u00a0xinfatyINFNAT"
texts = st.text(alphabet=CHARS, max_size=10) | st.from_regex(
    r"\A *[+-]?[0-9]{0,25}(\.[0-9]{0,25})?([eE][+-]?[0-9]{1,4})?( */ *-?[0-9.]{0,5})? *\Z"
)


@settings(max_examples=120)
@given(st.lists(texts, min_size=1, max_size=40))
def test_javascript_and_python_read_every_text_alike(node, batch):
    expected = [read_number(t) for t in batch]
    for where, proc in node.items():
        got = in_js(proc, batch)
        for text, a, b in zip(batch, expected, got, strict=True):
            assert same(a, b), (where, text, a, b)


REPORTED = ["1_0", "\u0663", "\uff11", "0x10", "", " ", "inf/2", "\u221e/2", "nan/1", "1/nan"]


@pytest.mark.parametrize("text", REPORTED)
def test_the_reported_texts_read_alike(node, text):
    for where, proc in node.items():
        assert same(read_number(text), in_js(proc, [text])[0]), (where, text)


def test_underscores_and_other_scripts_digits_are_no_number():
    assert [read_number(t) for t in ("1_0", "\u0663", "\uff11")] == [None, None, None]
