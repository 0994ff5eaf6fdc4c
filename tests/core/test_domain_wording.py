"""One message for an operand outside an operation's domain, whatever Python words it as.

Up to Python 3.13 the math module says "math domain error"; 3.14 (the playground's Pyodide, and
learners on 3.14) says e.g. "expected a positive input, got -1.0". The engine, the command line
and the playground must all say "operand outside the domain" either way.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd.core.operations as operations
from autograd import Value
from autograd.core.domain import domain_error
from autograd.core.op import OPERATIONS
from autograd.web import Session

# The wordings of Python 3.14's math module for an operand outside the domain.
WORDINGS_314 = [
    "expected a positive input, got {x!r}",
    "expected a nonnegative input, got {x!r}",
    "expected a finite input, got {x!r}",
    "expected a number in range from -1 up to 1, got {x!r}",
]
WORDINGS = ["math domain error", *WORDINGS_314]

# (operation, the math function its forward calls, an operand outside its domain)
CASES = [("log", "log", -1.0), ("sqrt", "sqrt", -4.0), ("sin", "sin", math.inf)]


def raising(wording: str):
    def forward(x: float) -> float:
        raise ValueError(wording.format(x=x))

    return forward


@pytest.mark.parametrize("wording", WORDINGS)
@pytest.mark.parametrize(("op", "function", "x"), CASES)
def test_the_engine_says_outside_the_domain_in_every_wording(monkeypatch, wording, op, function, x):
    monkeypatch.setattr(operations, function, raising(wording))
    with pytest.raises(ValueError) as caught:
        getattr(Value(x), op)()
    assert str(caught.value).startswith(f"{op}: operand outside the domain for x={x!r}")


@pytest.mark.parametrize("wording", WORDINGS)
def test_the_playground_says_what_the_command_line_says(monkeypatch, wording):
    monkeypatch.setattr(operations, "log", raising(wording))
    answer = json.loads(
        Session().handle(json.dumps({"do": "graph", "expr": "log(x)", "values": {"x": -1}}))
    )
    assert answer["ok"] is False
    assert "log: operand outside the domain for x=-1.0" in answer["error"]


def test_this_pythons_own_wording_gives_the_same_message():
    with pytest.raises(ValueError, match=r"^log: operand outside the domain for x=-1\.0"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match=r"^sqrt: operand outside the domain for x=-4\.0"):
        Value(-4.0).sqrt()


@given(
    name=st.sampled_from(["log", "sqrt", "sin", "cos", "exp"]),
    wording=st.sampled_from(WORDINGS),
    x=st.floats(allow_nan=False),
)
def test_any_domain_wording_becomes_one_message(name, wording, x):
    error = domain_error(OPERATIONS[name], ValueError(wording.format(x=x)), (x,))
    assert isinstance(error, ValueError)
    assert str(error).startswith(f"{name}: operand outside the domain for x={x!r}")


@given(text=st.text().filter(lambda t: t != "math domain error" and not t.startswith("expected")))
def test_a_primitives_own_message_is_kept(text):
    error = domain_error(OPERATIONS["log"], ValueError(text), (1.0,))
    assert str(error).startswith(f"log: {text} for x=1.0")
