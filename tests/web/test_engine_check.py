"""The playground's "check my engine" request: a pasted engine judged in this process, the
failing graph drawn with the wrong node marked, runaway code stopped, hostile graphs refused."""

import json
import time

from hypothesis import given, settings
from hypothesis import strategies as st
from learner_source import LOOP, RIGHT, TANH

from autograd.web import Session
from autograd.web.engine_check import failure_dot


def ask(session: Session, **request: object) -> dict:
    return json.loads(session.handle(json.dumps(request)))


def test_a_right_pasted_engine_passes():
    answer = ask(Session(), do="check_engine", source=RIGHT, name="Value")
    assert answer["ok"] and answer["passed"], answer["report"]
    assert "everything checked is right" in answer["report"]
    assert answer["failures"] == []


def test_a_planted_mistake_is_named_and_its_graph_marks_the_wrong_node():
    answer = ask(Session(), do="check_engine", source=TANH, name="Value")
    assert answer["ok"] and not answer["passed"]
    (first, *_) = answer["failures"]
    assert first["kind"] == "wrong local derivative" and "tanh" in first["text"]
    assert first["leaf"] == "a" and abs(first["got"] - (1 - first["spec"]["leaves"][0] ** 2)) < 1e-9
    # the learner's number beside the right one, and the edge out of the wrong node marked
    assert f"(yours: {-0.69:g})" in first["dot"]
    assert 'class="current"' in first["dot"] and "style=dashed" in first["dot"]
    again = ask(Session(), do="failure_graph", spec=first["spec"], leaf="a", got=first["got"])
    assert again == {"ok": True, "dot": first["dot"]}


def test_a_runaway_loop_is_stopped_within_its_limit():
    start = time.monotonic()
    answer = ask(Session(), do="check_engine", source=LOOP, name="Value")
    assert time.monotonic() - start < 10
    assert answer["ok"] and not answer["passed"]
    assert "did not finish within 2 s" in answer["report"]


def test_code_that_does_not_run_or_has_no_class_is_reported_not_raised():
    s = Session()
    broken = ask(s, do="check_engine", source="class Value(:\n", name="Value")
    assert broken["ok"] and not broken["passed"]
    assert broken["report"].startswith("your code does not run: SyntaxError")
    raises = ask(s, do="check_engine", source="raise SystemExit(3)", name="Value")
    assert raises["report"].startswith("your code does not run: SystemExit")
    assert (
        "defines no class Tensor"
        in ask(s, do="check_engine", source=RIGHT, name="Tensor")["report"]
    )
    for bad in ({"source": 5}, {"source": RIGHT, "name": "x y"}, {"source": "x" * 70_000}):
        answer = ask(s, do="check_engine", **bad)
        assert answer["ok"] is False and answer["error"].startswith("check_engine:")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-30, 30)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
specs = st.fixed_dictionaries(
    {"leaves": st.lists(st.floats(-3, 3), min_size=1, max_size=3),
     "steps": st.lists(st.tuples(st.sampled_from(["add", "mul", "tanh", "neg", "exp", "rsub"]),
                                 st.lists(st.integers(-1, 5), min_size=1, max_size=2)).map(list),
                       max_size=4)}
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(spec=json_values | specs, leaf=st.text(max_size=10) | json_values, got=json_values)
def test_a_failure_graph_from_any_data_is_refused_or_drawn_with_nothing_of_its_text(
    spec, leaf, got
):
    answer = ask(Session(), do="failure_graph", spec=spec, leaf=leaf, got=got)
    assert answer["ok"] in (True, False)
    if not answer["ok"]:
        assert answer["error"].startswith("failure graph:")
        return
    dot = answer["dot"]
    assert dot.startswith("digraph") and dot.count("{") == dot.count("}")
    if isinstance(leaf, str) and len(leaf) > 1:  # only a node's own letter is ever used
        assert f"{{{leaf} |" not in dot
    assert failure_dot(spec, leaf, got) == dot
