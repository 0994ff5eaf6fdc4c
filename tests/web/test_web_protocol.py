"""The playground's protocol under hostile requests: every answer is JSON with "ok", and every
refusal says what is wrong in the learner's terms, never in Python's."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd.web import Session

# Words of Python's own exceptions: a refusal that shows one speaks Python, not the learner's terms.
INTERNALS = re.compile(
    r"unhashable|invalid literal|could not convert|argument must be|object is not|NoneType"
    r"|not subscriptable|not iterable|\(\d+, '|[A-Z][a-z]+Error|int\(\)|float\(\)|positional"
    r"|has no attribute|out of range|recursion|Exceeds the limit|base 10"
    r"|'dict'|'list'|'str'|'int'|'float'"
)
ACTIONS = ["graph", "train", "epoch", "neuron", "exercise", "check", "hint"]
KEYS = ["expr", "values", "quiz", "dataset", "hidden", "activation", "optimiser", "lr", "name"]
KEYS += ["expanded", "seed", "size", "answers", "label"]
TRICKY = ["²", "٣", "1_0", "１", "nan", "inf", "-0", "1e400", "16, 16", "xor", "relu", "a.grad"]
TRICKY += ["adam", "L0.N0", "x*y", "10 ** 400 * x", "tanh(x*w + b)", ""]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**500), max_value=10**500),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(TRICKY),
    st.text(max_size=8),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["x", "y", "a", "b", "a.grad", "w"]), inner, max_size=3)
    ),
    max_leaves=6,
)
requests = st.fixed_dictionaries(
    {"do": st.one_of(st.sampled_from(ACTIONS), json_values)},
    optional={k: st.one_of(st.sampled_from(TRICKY), json_values) for k in KEYS},
)


def answer(session: Session, text: str) -> dict[str, Any]:
    out = json.loads(session.handle(text))
    assert isinstance(out, dict) and isinstance(out["ok"], bool), out
    if not out["ok"]:
        assert isinstance(out["error"], str) and not INTERNALS.search(out["error"]), out["error"]
    return out


@settings(max_examples=150)
@given(st.lists(requests, min_size=1, max_size=4))
def test_every_answer_has_ok_and_refusals_speak_the_learners_terms(sequence):
    session = Session()
    answer(session, json.dumps({"do": "exercise", "seed": 3, "size": 2}))
    for request in sequence:
        answer(session, json.dumps(request))


@pytest.mark.parametrize(
    ("request_text", "says"),
    [
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ('{"do": ["graph"]}', "unknown request"),
        ('{"do": "train", "dataset": "xor", "hidden": "²"}', "hidden sizes"),
        ('{"do": "train", "dataset": "xor", "lr": "fast"}', "learning rate"),
        ('{"do": "exercise", "seed": "²"}', "exercise seed"),
        ('{"do": "graph", "expr": "x*y", "values": {"x": 1' + "0" * 400 + "}}", "too large"),
        ('{"do": "graph", "expr": "10 ** 400 * x"}', "10 ** 400"),
        ('{"do": "graph", "expr": "x", "values": {"x": 1' + "0" * 5000 + "}}", "too long"),
    ],
)
def test_the_reported_hostile_requests_get_a_plain_refusal(request_text, says):
    out = answer(Session(), request_text)
    assert out["ok"] is False and says in out["error"], out["error"]


def test_an_epochs_answer_does_not_grow_with_the_epochs():
    # each answer used to repeat every loss so far: a long session grew with every request
    from autograd.web.session import Session

    s = Session()
    first = json.loads(s.handle('{"do": "train", "dataset": "xor", "hidden": "4", "points": 8}'))
    assert first["ok"] and len(first["losses"]) == 1  # the history, once, with the train answer
    answers = [json.loads(s.handle('{"do": "epoch"}')) for _ in range(30)]
    lengths = [{k: len(v) for k, v in a.items() if isinstance(v, list)} for a in answers]
    assert all(n == lengths[0] for n in lengths), "a list in the answer grows with the epochs"
    assert all("losses" not in a for a in answers)
