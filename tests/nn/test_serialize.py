"""Model files: exact round trip, and every kind of bad file refused without side effects."""

import json
import math
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd.nn import ModelFileError, load
from autograd.nn.files import save
from autograd.nn.modules import MLP, Layer, Neuron


def bits(x):
    return struct.pack("<d", x)


@pytest.mark.parametrize(
    "model",
    [
        MLP(2, [16, 16, 1], seed=1),
        MLP(3, [4, 2], "tanh", "sigmoid", seed=2),
        Layer(3, 2, seed=3),
        Neuron(4, "sigmoid", seed=4),
    ],
)
def test_round_trip_is_exact(model, tmp_path):
    model.parameters()[0].data = 0.1 + 0.2  # a float whose shortest repr is long
    model.parameters()[-1].data = 5e-324
    path = tmp_path / "m.json"
    model.save(path)
    again = load(path)
    assert type(again) is type(model) and again.config() == model.config()
    assert [bits(p.data) for p in again.parameters()] == [bits(p.data) for p in model.parameters()]
    x = [0.3] * model.nin
    out = lambda m: m(x) if isinstance(m(x), list) else [m(x)]
    assert [v.data for v in out(again)] == [v.data for v in out(model)]
    fresh = type(model)(**{k: v for k, v in model.config().items() if k != "type"}, seed=99)
    fresh.load(path)
    assert fresh.state_dict() == model.state_dict()


def write(tmp_path, doc):
    path = tmp_path / "bad.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def good_doc():
    m = MLP(2, [2, 1], seed=0)
    return {
        "format": "scalar-autograd-model",
        "version": 1,
        "architecture": m.config(),
        "parameters": m.state_dict(),
    }


def mutate(doc, path, value):
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: json.dumps(d)[:40], "not valid JSON"),
        (lambda d: "", "not valid JSON"),
        (lambda d: [1, 2], "not a model file"),
        (lambda d: mutate(d, ["version"], 2), "version 2 is not supported"),
        (lambda d: mutate(d, ["version"], True), "version True"),
        (lambda d: mutate(d, ["architecture", "nouts"], [3, 1]), "file holds"),
        (lambda d: mutate(d, ["architecture", "activation"], "gelu"), "unknown activation"),
        (lambda d: mutate(d, ["architecture", "nin"], -2), "positive ints"),
        (lambda d: mutate(d, ["parameters", "L0.N0.b"], KeyError), "missing"),
        (lambda d: mutate(d, ["parameters", "L0.N0.b"], "0.5"), "not a finite number"),
        (lambda d: mutate(d, ["parameters", "L0.N0.b"], 10**400), "not a finite number"),
        (lambda d: json.dumps(d).replace("0.0", "NaN", 1), "not a finite number"),
        (lambda d: mutate(d, ["extra"], 1), "unexpected fields"),
        (lambda d: json.dumps(d)[:-1] + ', "version": 1}', "appears twice"),
    ],
)
def test_bad_files_raise_and_leave_model_untouched(tmp_path, change, message):
    model = MLP(2, [2, 1], seed=5)
    before = model.state_dict()
    path = write(tmp_path, change(good_doc()))
    with pytest.raises(ModelFileError, match=message):
        model.load(path)
    assert model.state_dict() == before


def test_missing_file_and_unsavable_models(tmp_path):
    with pytest.raises(ModelFileError, match="cannot read"):
        load(tmp_path / "nope.json")
    with pytest.raises(ValueError, match="callable"):
        save(MLP(1, [1], activation=lambda v: v, output_activation=lambda v: v), tmp_path / "x")
    m = Neuron(1, seed=0)
    m.w[0].data = math.inf
    with pytest.raises(ValueError, match="not finite"):
        m.save(tmp_path / "y.json")
    assert not (tmp_path / "y.json").exists()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_corrupted_files_never_crash_or_half_load(tmp_path, data):
    text = json.dumps(good_doc(), indent=1)
    kind = data.draw(st.sampled_from(["truncate", "flip", "insert"]))
    i = data.draw(st.integers(0, len(text) - 1))
    if kind == "truncate":
        text = text[:i]
    elif kind == "flip":
        text = text[:i] + data.draw(st.sampled_from(list('{}[]",:-.e0x9 a'))) + text[i + 1 :]
    else:
        text = text[:i] + data.draw(st.text(max_size=5)) + text[i:]
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    model = MLP(2, [2, 1], seed=5)
    before = model.state_dict()
    try:
        model.load(path)
    except ModelFileError:
        assert model.state_dict() == before
    else:  # the change kept the file valid (a digit changed): every value must still be finite
        assert set(model.state_dict()) == set(before)
        assert all(math.isfinite(v) for v in model.state_dict().values())
