"""Module, Neuron, Layer and MLP: structure, initialisation, gradients and bad input."""

import math
import random

import pytest

from autograd import Value
from autograd.nn.modules import MLP, Layer, Neuron, init_bound


def test_micrograd_shape_and_parameter_order():
    model = MLP(2, [16, 16, 1], seed=0)
    params = model.parameters()
    assert len(params) == 337 == model.num_parameters()
    labels = [p.label for p in params]
    # layer by layer, neuron by neuron, the weights then the bias
    assert labels[:4] == ["L0.N0.w0", "L0.N0.w1", "L0.N0.b", "L0.N1.w0"]
    assert labels[48:50] == ["L1.N0.w0", "L1.N0.w1"] and labels[64] == "L1.N0.b"
    assert labels[-1] == "L2.N0.b" and labels[-2] == "L2.N0.w15"
    assert len(set(labels)) == 337
    assert [n for n, _ in model.named_parameters()] == labels
    assert [layer.activation for layer in model] == ["relu", "relu", "linear"]


def test_calls_return_value_or_list():
    model = MLP(2, [3, 1], seed=1)
    y = model([0.5, -0.5])
    assert isinstance(y, Value) and y.op == "linear"
    assert isinstance(MLP(2, [3, 2], seed=1)([0.5, -0.5]), list)
    out = Layer(2, 1, seed=1)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1 and out[0].op == "relu"


def test_forward_matches_hand_computation_after_setting_data():
    model = MLP(2, [2, 1], activation="tanh", seed=3)
    values = [0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, -0.8, 0.9]
    for p, v in zip(model.parameters(), values, strict=True):
        p.data = v
    x = [1.5, -2.0]
    h0 = math.tanh(0.3 + 0.1 * 1.5 - 0.2 * -2.0)
    h1 = math.tanh(-0.6 + 0.4 * 1.5 + 0.5 * -2.0)
    assert model(x).data == pytest.approx(0.9 + 0.7 * h0 - 0.8 * h1, rel=1e-15)


def test_gradients_match_central_differences():
    model = MLP(3, [4, 3, 1], activation="tanh", seed=7)
    x = [0.3, -1.2, 0.8]

    def f():
        return model(x).data ** 2

    out = model(x) ** 2
    out.backward()
    h = 1e-6
    for p in model.parameters():
        orig = p.data
        p.data = orig + h
        up = f()
        p.data = orig - h
        down = f()
        p.data = orig
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9)


def test_seed_reproducible_and_random_instance_accepted():
    a = MLP(2, [4, 1], seed=5).state_dict()
    assert a == MLP(2, [4, 1], seed=5).state_dict()
    assert a != MLP(2, [4, 1], seed=6).state_dict()
    assert MLP(2, [4, 1], seed=random.Random(5)).state_dict() == a
    with pytest.raises(TypeError, match="seed"):
        MLP(2, [4, 1], seed="five")


@pytest.mark.parametrize(
    ("activation", "nin", "nout", "bound"),
    [("relu", 24, 8, math.sqrt(6 / 24)), ("tanh", 24, 8, math.sqrt(6 / 32))],
)
def test_initialisation_bounds_and_spread(activation, nin, nout, bound):
    layer = Layer(nin, nout, activation=activation, seed=0)
    ws = [w.data for n in layer.neurons for w in n.w]
    assert init_bound(activation, nin, nout) == pytest.approx(bound)
    assert all(-bound <= w <= bound for w in ws)
    assert max(ws) > 0.8 * bound and min(ws) < -0.8 * bound  # uses the whole interval
    var = sum(w * w for w in ws) / len(ws)
    assert var == pytest.approx(bound**2 / 3, rel=0.25)  # variance of U(-a, a)
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_callable_activation_and_repr():
    model = MLP(1, [2, 1], activation=lambda v: v * v, seed=0)
    for p in model.parameters():
        p.data = 1.0
    assert model([2.0]).data == 1.0 + 2 * (2.0 + 1.0) ** 2
    assert "Layer(1 -> 2, <lambda>)" in repr(model)
    assert repr(Neuron(3, activation="sigmoid")) == "Neuron(3 inputs, sigmoid)"


def test_zero_grad_and_settable_data():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: MLP(2, [0]), ValueError, "positive int"),
        (lambda: MLP(2, []), ValueError, "at least one layer"),
        (lambda: MLP(2, "16"), TypeError, "list of layer sizes"),
        (lambda: Layer(2, 3, activation="swish"), ValueError, "unknown activation 'swish'"),
        (lambda: Neuron(True), ValueError, "nin"),
    ],
)
def test_bad_construction(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_bad_inputs_raise_clearly_and_leave_gradients():
    model = MLP(2, [3, 1], seed=0)
    x = Value(1.0)
    model([x, 2.0]).backward()
    before = [p.grad for p in model.parameters()], x.grad
    with pytest.raises(ValueError, match="MLP: expected 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"MLP: .*str"):
        model([1.0, "2"])
    with pytest.raises(TypeError, match="sequence of 2 inputs"):
        model(Value(1.0))
    with pytest.raises(ValueError, match="Neuron: expected 3 inputs"):
        Neuron(3)([1.0])
    assert ([p.grad for p in model.parameters()], x.grad) == before


def test_state_dict_rejects_mismatch_atomically():
    model = MLP(2, [2, 1], seed=0)
    state = model.state_dict()
    bad = dict(state)
    bad["L1.N0.b"] = float("nan")
    with pytest.raises(ValueError, match=r"L1\.N0\.b must be a finite number"):
        model.load_state_dict(bad)
    with pytest.raises(ValueError, match="expected parameters"):
        model.load_state_dict({"L0.N0.w0": 1.0})
    assert model.state_dict() == state


def test_the_training_pictures_are_offered_for_your_own_model_and_data():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from autograd.nn import datasets, fit, optim, plot_decision_boundary, plot_loss_curve
    from autograd.nn.training import Task

    X, y = datasets.moons(30, seed=0)
    model = MLP(2, [8, 1], seed=0)
    history = fit(model, Task(y), X, y, optim.Adam(model.parameters(), lr=0.05), None, 5, None)
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_loss_curve(history, ax=left, l2=1e-4) is fig
    assert plot_decision_boundary(model, X[:20], y[:20], X_test=X[20:], y_test=y[20:], ax=right,
                                  grid=10) is fig  # fmt: skip
    assert len(left.lines) == 3 and left.get_yscale() == "log"
    legend = [t.get_text() for t in right.get_legend().get_texts()]
    assert legend == ["class 0", "class 1", "training point", "held-out point"]
    plt.close(fig)


def test_a_plot_without_matplotlib_says_which_extra_to_install(monkeypatch):
    import builtins

    from autograd.nn import plot_loss_curve

    real = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"scalar-autograd\[plot\]"):
        plot_loss_curve([1.0, 0.5])
