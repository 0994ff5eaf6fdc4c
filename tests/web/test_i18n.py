"""The pages' two languages: every catalogue has every key in English and in Chinese with the same
placeholders; every string the playground's page shows comes from its catalogue; the Chinese
step text says the same numbers as the English one. (In Chromium: tests/web/test_site_pages.py.)"""

from __future__ import annotations

import json
import re
import string
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from learner_source import TANH

from autograd.testing import learner_report
from autograd.testing.mutants import engine_source
from autograd.testing.strategies import expressions
from autograd.viz import BackwardStepper
from autograd.viz.page_text import PAGE
from autograd.viz.quiz import TOLERANCE, Quiz
from autograd.viz.step_text import BACKWARD, LANGUAGES, MISTAKES
from autograd.web.engine_check import KIND_KEYS, check_source

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND = ROOT / "web" / "playground"


def js_catalogue(lang: str) -> dict[str, str]:
    text = (PLAYGROUND / "messages" / f"{lang}.js").read_text(encoding="utf-8")
    found = re.search(rf"MESSAGES\.{lang} = (\{{.*\}});\s*$", text, re.S)
    assert found, f"messages/{lang}.js: no `MESSAGES.{lang} = {{...}};`"
    return json.loads(found.group(1))


def placeholders(text: str) -> tuple[list[str], int]:
    """The ``{name}`` fields of a message and its number of `code` marks."""
    names = sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)
    return names, text.count("`")


CATALOGUES = {
    "playground": {lang: js_catalogue(lang) for lang in LANGUAGES},
    "stepper page": PAGE,
    "backward text": BACKWARD,
    "quiz feedback": MISTAKES,
}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for name, catalogue in CATALOGUES.items():
        assert set(catalogue) == set(LANGUAGES), name
        en = catalogue["en"]
        for lang in LANGUAGES:
            assert set(catalogue[lang]) == set(en), (name, lang, set(catalogue[lang]) ^ set(en))
            for key, text in catalogue[lang].items():
                assert text.strip(), (name, lang, key)
                assert placeholders(text) == placeholders(en[key]), (name, lang, key)
        # the Chinese is Chinese (a key left in English would pass the checks above)
        untranslated = [
            k for k, v in catalogue["zh"].items() if v == en[k] and re.search("[a-z]{3}", v)
        ]
        assert untranslated in ([], ["wrong_because"], ["first"]), (name, untranslated)


def test_the_checker_sees_a_missing_placeholder() -> None:
    assert placeholders("step {k} of {n}") != placeholders("第 {k} 步")
    assert placeholders("run `make`") != placeholders("运行 make")


class Shown(HTMLParser):
    """The text a page shows outside any element whose words come from the catalogue."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.keys: list[str] = []
        self.loose: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for attr in ("data-i18n", "data-i18n-title", "data-i18n-label", "data-i18n-name"):
            if a.get(attr):
                self.keys.append(a[attr] or "")
        if tag not in ("meta", "link", "input", "br"):
            inside = bool(self.stack and self.stack[-1][1])
            self.stack.append((tag, inside or "data-i18n" in a or tag in ("option", "script")))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        covered = bool(self.stack and self.stack[-1][1])
        if not covered and re.search(r"[A-Za-z]{2}", data):
            self.loose.append(data.strip())


def test_every_string_of_the_playground_page_comes_from_the_catalogue() -> None:
    page = Shown()
    page.feed((PLAYGROUND / "index.html").read_text(encoding="utf-8"))
    assert page.loose == [], page.loose
    en = CATALOGUES["playground"]["en"]
    assert set(page.keys) <= set(en), set(page.keys) - set(en)
    scripts = [PLAYGROUND / name for name in ("app.js", "engine_report.js")]
    # T("key" ...) and T(test ? "key" : "other key", ...) ask for messages by name
    used = {
        key
        for script in scripts
        for call in re.findall(r"\bT\(([^;]*?)[,)]", script.read_text(encoding="utf-8"))
        for key in re.findall(r'"(\w+)"(?!\s*\+)', call)  # not a key's first part
    }
    assert used and used <= set(en), used - set(en)
    # a message asked for by a computed key (`T(trained ? "a" : "b")`) is listed here, and the
    # check tab's: its kinds of problem by their keys, and why a source has no class to judge
    dynamic = {"train_resume", "train_start", "zoom_out", "zoom_in", "fit_label", "readable_label"}
    dynamic |= {f"engine_{part}_{key}" for key in KIND_KEYS.values() for part in ("kind", "hint")}
    dynamic |= {f"engine_phrase_{key}" for key in learner_report.PHRASES}
    dynamic |= {f"engine_failure{op}{said}" for op in ("", "_op") for said in ("", "_said")}
    dynamic |= {"engine_not_run", "engine_no_class"}
    dynamic |= {"engine_report_right", "engine_report_found", "engine_report_none"}
    assert set(en) <= used | set(page.keys) | dynamic, set(en) - used - set(page.keys) - dynamic


def test_every_kind_of_engine_problem_has_its_words_in_both_languages() -> None:
    kinds = {
        value
        for name, value in vars(learner_report).items()
        if name.isupper() and isinstance(value, str)
    }
    assert kinds and kinds == set(KIND_KEYS), kinds ^ set(KIND_KEYS)
    for lang in LANGUAGES:
        catalogue = CATALOGUES["playground"][lang]
        for key in KIND_KEYS.values():
            assert f"engine_kind_{key}" in catalogue, (lang, key)
            assert f"engine_hint_{key}" in catalogue, (lang, key)  # its advice
    # the English words are the report's own
    for kind, key in KIND_KEYS.items():
        assert CATALOGUES["playground"]["en"][f"engine_kind_{key}"] == kind


def test_why_nothing_was_judged_is_a_message_with_its_fields() -> None:
    for source, name in [("def f(:", "Value"), ("x = 1\n", "Value"), ("x = 1 / 0\n", "V")]:
        reason = check_source(source, name, examples=0)["reason"]
        for lang in LANGUAGES:
            message = CATALOGUES["playground"][lang][reason["key"]]
            assert set(placeholders(message)[0]) == set(reason) - {"key"}, (lang, reason)


def test_the_page_catalogues_english_is_what_the_pages_said() -> None:
    assert PAGE["en"]["tolerance"] == TOLERANCE
    assert json.dumps(CATALOGUES["playground"]["en"], ensure_ascii=False).count("{") > 5


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|inf|nan")


@settings(max_examples=40, deadline=None)
@given(expressions(max_ops=4))
def test_the_chinese_step_text_says_the_same_numbers_and_names(expr) -> None:
    stepper = BackwardStepper(expr.build())
    for step in [None, *stepper.steps]:
        en, zh = stepper.describe(step), stepper.describe(step, "zh")
        assert NUMBER.findall(en) == NUMBER.findall(zh), (en, zh)
        assert len(en.splitlines()) == len(zh.splitlines())
        assert zh != en


@settings(max_examples=30, deadline=None)
@given(expressions(max_ops=3))
def test_the_chinese_quiz_asks_the_same_and_names_the_same_mistakes(expr) -> None:
    stepper = BackwardStepper(expr.build())
    en, zh = Quiz(stepper).payload(), Quiz(stepper, lang="zh").payload()
    for qs_en, qs_zh in zip(en["frames"], zh["frames"], strict=True):
        for a, b in zip(qs_en, qs_zh, strict=True):
            assert (a["label"], a["exact"]) == (b["label"], b["exact"])
            assert [v for v, _ in a["mistakes"]] == [v for v, _ in b["mistakes"]]
            assert [NUMBER.findall(w) for _, w in a["mistakes"]] == [
                NUMBER.findall(w) for _, w in b["mistakes"]
            ]


def test_a_stepper_page_carries_both_languages() -> None:
    from autograd import Value

    x = Value(2.0, "x")
    text = BackwardStepper(x * 3).to_html(quiz=True)
    assert "开始：" in text.encode().decode("unicode_escape", errors="ignore") or "\\u5f00" in text
    assert '"mistakes_zh"' in text and 'id="page-text"' in text


def test_the_chinese_tutorial_says_where_it_differs_from_the_english_one() -> None:
    en = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    zh = (ROOT / "docs" / "zh" / "tutorial.md").read_text(encoding="utf-8")
    sections = re.compile(r"^##+ ", re.M)
    assert len(sections.findall(zh)) == len(sections.findall(en)) + 1  # the Q&A
    intro = zh.split("\n## ")[0]
    assert "常见问题" in intro and "{doc}`../tutorial`" in intro and "不同" in intro
    # the sentence about the notebook's side-by-side drawing is there in both
    assert "draws both side by side" in en and "并排" in zh


def test_the_reports_phrases_are_worded_by_the_page_as_the_judge_words_them() -> None:
    """What was right and what was not checked come as phrases with keys: the English page says
    each exactly as ``check_engine`` does, the Chinese page in Chinese, nested phrases too."""
    en, zh = CATALOGUES["playground"]["en"], CATALOGUES["playground"]["zh"]
    for key, text in learner_report.PHRASES.items():
        assert en[f"engine_phrase_{key}"] == text, key
        assert f"engine_phrase_{key}" in zh, key
    answer = check_source(TANH, "Value", examples=0)  # tanh's derivative wrong
    summary = answer["summary"]
    keyed = [w for w in summary["right"] if isinstance(w, dict)]
    keyed += [w for w, _ in summary["not_checked"] if isinstance(w, dict)]
    assert {w["key"] for w in keyed} >= {"chain", "larger_graphs"}, keyed
    keyed.append(answer["failures"][0]["detail"])  # tanh's local derivative, as a phrase too
    assert keyed[-1]["key"] == "local"
    for w in keyed:  # the English text is the phrase's template with its fields
        fields = {k: v["text"] if isinstance(v, dict) else v for k, v in w["fields"].items()}
        assert w["text"] == learner_report.PHRASES[w["key"]].format(**fields)
        assert w["text"] in answer["report"]


def _english(w: Any) -> Any:
    """A phrase's English text rebuilt from its template and fields (nested phrases too)."""
    if not isinstance(w, dict):
        return w
    fields = {k: _english(v) for k, v in w["fields"].items()}
    return learner_report.PHRASES[w["key"]].format(**fields)


@pytest.mark.parametrize(
    ("mistake", "key"),
    [
        ("tanh-local", "local"),
        ("mul-upstream", "explained"),
        ("mul-assign", "explained"),
        ("order-not-reversed", "explained"),
        ("no-visited-set", "explained"),
        ("equal-by-value", "explained"),
        ("breadth-first-order", "explained"),
        ("recursive-sort", "recursion_one"),
    ],
)
def test_the_classic_mistakes_details_are_phrases_the_page_can_word(mistake, key) -> None:
    """The detail of each classic mistake comes as a phrase (nested phrases inside), every key
    in both catalogues, and its fields rebuild the judge's English text exactly."""
    answer = check_source(engine_source(mistake), "Value", examples=0)
    detail = answer["failures"][0]["detail"]
    assert isinstance(detail, dict) and detail["key"] == key, detail
    assert _english(detail) == detail["text"] and detail["text"] in answer["report"]
    stack = [detail]
    while stack:
        w = stack.pop()
        for lang in LANGUAGES:
            assert f"engine_phrase_{w['key']}" in CATALOGUES["playground"][lang], w["key"]
        stack += [v for v in w["fields"].values() if isinstance(v, dict)]
