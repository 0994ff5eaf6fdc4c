"""The playground's Python side (autograd.web), run in CPython: the same code Pyodide runs."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.expressions import ExpressionError, parse
from autograd.web import Session
from autograd.web.graph import MAX_NODES, backward_frames, leaf_names
from autograd.web.training import Trainer

HOSTILE = [
    "<script>alert(1)</script>",
    "</script><!--",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "__import__('os').system('echo hi')",
    "x.__class__",
    "{{7*7}}",
    "\u2028\u2029",
    "x" * 3000,
]


def request(session: Session, **args: object) -> dict:
    return json.loads(session.handle(json.dumps(args)))


def test_the_link_example_ends_with_the_gradients_of_backward():
    out = request(Session(), do="graph", expr="tanh(x*w+b)", values={"x": 2, "w": -3, "b": 6.88})
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.88, "b")
    (x * w + b).tanh().backward()
    assert out["grads"] == {"x": x.grad, "w": w.grad, "b": b.grad}
    assert f"x.grad = {-1.503}" in out["frames"][-1]["text"]
    nodes = [f["node"] for f in out["frames"]]
    assert nodes[0] == "" and all(nodes[1:])


def test_a_refused_expression_has_the_command_lines_message_and_caret():
    try:
        parse("x +* y", {"x": 1.0, "y": 1.0})
    except ExpressionError as e:
        expected = f"refused: {e}"
    out = request(Session(), do="graph", expr="x +* y", values={})
    assert out == {"ok": False, "error": expected} and expected.endswith("^")


def test_a_graph_over_the_size_limit_is_refused_with_a_message():
    out = backward_frames(" + ".join(f"x{i}" for i in range(MAX_NODES)), {})
    assert not out["ok"] and f"at most {MAX_NODES}" in out["error"]


def test_a_value_that_is_not_a_number_is_refused_and_named():
    out = backward_frames("x*2", {"x": "<b>1</b>"})
    assert out == {"ok": False, "error": "refused: x: '<b>1</b>' is not a number"}
    assert not backward_frames("x*2", {"x": "inf"})["ok"]


def test_quiz_mode_sends_the_quizs_answers():
    out = backward_frames("x*y", {"x": 2, "y": 3}, quiz=True)
    asked = out["quiz"]["frames"][1]
    assert [(q["label"], q["exact"]) for q in asked] == [("x.grad", 3.0), ("y.grad", 2.0)]
    assert asked[0]["mistakes"][0] == [-3.0, "the sign is wrong (the size is right)."]


def test_training_lowers_the_loss_and_changes_the_boundary():
    s = Session()
    first = request(s, do="train", dataset="moons", hidden="8", activation="relu", lr=0.05)
    for _ in range(15):
        last = request(s, do="epoch")
    assert last["epoch"] == 16 and last["loss"] < first["loss"]
    assert last["grid"] != first["grid"] and last["neurons"][0] == "L0.N0"
    drawing = request(s, do="neuron", name="L1.N0")
    assert drawing["ok"] and "L1.N0.b" in drawing["dot"]


def test_training_refuses_bad_settings_and_keeps_nothing():
    s = Session()
    for bad in ({"hidden": "0"}, {"activation": "<x>"}, {"lr": "200"}, {"dataset": "mnist"}):
        assert not request(s, do="train", **bad)["ok"]
    assert s.trainer is None
    assert request(s, do="epoch")["error"] == "no network yet: start training first"


def test_an_exercise_is_reproduced_by_its_seed_and_diagnoses_a_wrong_answer():
    a, b = Session(), Session()
    one, two = (
        request(a, do="exercise", seed=5, size=3),
        request(b, do="exercise", seed="5", size=3),
    )
    assert one == two and one["questions"]
    report = request(a, do="check", answers={q: "0" for q in one["questions"]})
    assert "This step is wrong" in report["text"] or "carried" in report["text"]
    hint = request(a, do="hint", label=one["questions"][-1])
    assert hint["text"].startswith("hint 1 of ")


def test_the_trainer_predicts_on_its_grid():
    t = Trainer("xor", "4", "tanh", "sgd", 0.1, points=16)
    assert len(t.epoch()["grid"]) == 24 * 24


@settings(max_examples=60, deadline=None)
@given(
    expr=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60)),
    value=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20), st.floats()),
    key=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=10)),
)
def test_hostile_input_gets_plain_json_and_never_runs(expr, value, key):
    """Any text from a link or the input box: an answer in JSON, refused or drawn; a leaf is
    always a Python name, and a refused request changes nothing."""
    s = Session()
    raw = s.handle(json.dumps({"do": "graph", "expr": expr, "values": {key: value, "x": value}}))
    out = json.loads(raw)
    assert isinstance(out["ok"], bool)
    if out["ok"]:
        assert all(leaf["name"].isidentifier() for leaf in out["leaves"])
        assert all(math.isfinite(leaf["value"]) for leaf in out["leaves"])
    else:
        assert isinstance(out["error"], str)
    assert all(name.isidentifier() for name in leaf_names(expr))
    refused = json.loads(s.handle(json.dumps({"do": key, "seed": value})))
    assert refused["ok"] is False or key in ("graph", "exercise", "train", "epoch")


def _strict_json(text: str) -> Any:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} is not JSON: JSON.parse in the page would fail")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    ("expr", "values"),
    [("sqrt(x)", {"x": 0}), ("x ** -1", {"x": 0}), ("(x * 1e308) * 10", {"x": 1})],
)
def test_an_infinite_value_or_gradient_still_gives_json_the_page_can_read(expr, values):
    """A gradient at a pole is inf, which JSON has no word for: the session once crashed on
    it; it now sends "Infinity", which JavaScript's Number() reads."""
    answer = _strict_json(
        Session().handle(json.dumps({"do": "graph", "expr": expr, "values": values}))
    )
    assert answer["ok"] is True or "error" in answer


def test_the_page_s_menus_offer_exactly_the_registries() -> None:
    """The dataset, activation and optimiser menus of the playground list what the package's
    registries hold (a new registry entry without its menu option, or the reverse, fails
    here), and the Worker refuses a name no registry holds."""
    import re
    from pathlib import Path

    from autograd.nn.activations import ACTIVATION_FUNCTIONS
    from autograd.nn.datasets import DATASETS
    from autograd.nn.optim import OPTIMIZERS
    from autograd.web.session import Session

    page = (Path(__file__).resolve().parents[2] / "web/playground/index.html").read_text()

    def menu(name: str) -> set[str]:
        select = re.search(rf'<select id="{name}">(.*?)</select>', page, re.S)
        assert select, name
        options = re.findall(r'<option(?: value="([^"]*)")?>([^<]*)</option>', select.group(1))
        return {value or text for value, text in options}

    assert menu("dataset") == set(DATASETS)
    assert menu("optimiser") == set(OPTIMIZERS)
    assert menu("activation") == {a for a, f in ACTIVATION_FUNCTIONS.items() if f is not None}
    for field in ("dataset", "optimiser", "activation"):
        answer = json.loads(Session().handle(json.dumps({"do": "train", field: "nope"})))
        assert answer["ok"] is False and "nope" in answer["error"], answer
