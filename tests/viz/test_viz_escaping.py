"""Text from users (labels, titles) never changes the structure of the DOT, the SVG or the page.

Each check draws a graph twice, once with the hostile text and once with a plain one, parses
what comes out and compares the structure: the DOT tokens outside strings, the record fields,
the SVG's elements, the HTML page's elements, and the JSON the player reads.
"""

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.viz import BackwardStepper, to_dot
from autograd.viz.rendering import render

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

TOKEN = re.compile(
    r'\s+|(?P<str>"(?:[^"\\]|\\.)*")|(?P<html><(?:[^<>]|<[^<>]*>)*>)|(?P<id>[\w.#]+)|'
    r"(?P<p>->|[{}\[\];=,])",
    re.S,
)
NASTY = [
    '"; evil [URL="javascript:alert(1)"]; "',
    'say "hi"',
    "ends in a backslash \\",
    "<!--<script>",
    "</script><script>alert(1)</script>",
    "a|b{c}<d>",
    "line\nbreak",
    "&lt; &#0; &amp;",
    "\\N \\G \\L",
    "tab\there\x00nul\ud800",
]


def dot_structure(text):
    """The DOT text's tokens with every string replaced by its kind; record fields counted."""
    out, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        assert m is not None, f"cannot tokenize DOT at {text[pos : pos + 40]!r}"
        pos = m.end()
        if m["str"]:
            inner = re.sub(r"\\.", "", m["str"][1:-1])  # escaped characters are plain text
            out.append(("str", tuple(c for c in inner if c in "{}|<>")))
        elif m["html"]:
            out.append(("html", tuple(t for t in re.findall(r"</?\w+", m["html"]) if t != "<BR")))
        elif m["id"] or m["p"]:
            out.append(m[0])
    return out


def graph(label):
    x = Value(2.0, label)
    y = (x * Value(-3.0, "w") + 1).tanh()
    y.label = label + "!"
    y.backward()
    return y


labels = st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=30))


@given(labels, labels)
def test_labels_and_titles_never_change_the_dot_structure(label, title):
    plain = dot_structure(to_dot(graph("x"), title="t", grad_flow=True))
    assert dot_structure(to_dot(graph(label), title=title, grad_flow=True)) == plain


def svg_structure(svg):
    root = ET.fromstring(svg)  # well-formed XML, whatever the labels
    out = []
    for el in root.iter():
        tag = el.tag.split("}")[1]
        if tag == "text":
            continue  # a label with a newline is drawn as two lines: text, not structure
        title = el.text if tag == "title" else None
        out.append((tag, el.get("class"), title))
    return out


@needs_dot
@settings(max_examples=25, deadline=None)
@given(labels, labels)
def test_labels_and_titles_never_change_the_svg_structure(label, title):
    plain = svg_structure(render(to_dot(graph("x"), title="t")).decode())
    svg = render(to_dot(graph(label), title=title)).decode()
    assert svg_structure(svg) == plain
    assert "<a " not in svg and "javascript:" not in svg.replace("javascript:alert", "")


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.script, self.in_json = [], [], False
        self.json_text = []  # every JSON script's text (the frames', the page's words)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag != "text":
            self.tags.append((tag, a.get("id"), a.get("class")))
        self.in_json = tag == "script" and a.get("type") == "application/json"
        self.in_info = self.in_json and a.get("id") == "info"

    def handle_endtag(self, tag):
        if tag != "text":
            self.tags.append(("/" + tag,))
        self.in_json = False

    def handle_data(self, data):
        if self.in_json:
            self.json_text.append(data)
        if self.in_json and self.in_info:
            self.script.append(data)


def page_structure(text):
    p = Elements()
    p.feed(text)
    return p.tags, "".join(p.script), "".join(p.json_text)


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(labels, labels)
def test_labels_and_titles_never_change_the_html_page(label, title):
    plain_tags, _, _ = page_structure(BackwardStepper(graph("x")).to_html(title="t"))
    s = BackwardStepper(graph(label))
    page = s.to_html(title=title)
    tags, script, every_json = page_structure(page)
    assert tags == plain_tags
    assert "<" not in every_json and ">" not in every_json and "&" not in every_json
    info = json.loads(script)
    assert [f["text"] for f in info][1:] == [s.describe(step) for step in s.steps]
    assert [f["zh"] for f in info][1:] == [s.describe(step, "zh") for step in s.steps]


def test_a_hostile_title_stays_text():
    y = graph("x")
    title = '"; evil [URL="javascript:alert(1)"]; "'
    text = to_dot(y, title=title)
    assert "URL=" not in text.replace("URL=&quot;javascript", "")
    page = BackwardStepper(y).to_html(title=title)
    assert 'href="javascript' not in page and "<a " not in page
