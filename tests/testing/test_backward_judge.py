"""check_backward on real learners' shapes: layers found by the graph's
structure (binary inputs, both conventions, any depth), pairs of mistakes named, and inputs that
used to give false verdicts or crashes; and the mutation score kept from falling."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd.testing import check_backward
from autograd.testing.backward_mutants import Mutant, judged, mutants, nets, unusual

NETS = list(nets())


def check(mutant):
    net = mutant.net
    return check_backward(net.forward(), mutant.backward(), *net.arrays(), no_grad=[0, 1])


def pick(depth, columns, binary, act="sigmoid", loss="mse"):
    return next(
        n
        for n in NETS
        if (n.depth, n.columns, n.binary, n.act, n.loss) == (depth, columns, binary, act, loss)
    )


# -- the mistake named, whatever the layer's shape ------------------------------------


@pytest.mark.parametrize("columns", [False, True])
def test_xor_inputs_and_either_convention_get_the_layer_explained(columns):
    net = pick(1, columns, binary=True)
    assert sorted(set(net.arrays()[0].ravel())) == [0.0, 1.0]
    report = check(Mutant(net, (("at_output", 1),)))
    assert not report
    assert "taken at the output A instead of the input Z" in str(report), str(report)


def test_a_hidden_to_output_layer_is_explained_and_carried_down():
    report = check(Mutant(pick(2, False, True), (("left_out", 2),)))
    texts = {g.name: g.explained for g in report.gradients if not g.ok}
    assert "derivative of sigmoid left out" in texts["W2"]
    assert texts["W1"].startswith("carried down from the layer of W2")


def test_sigma_prime_at_the_output_in_both_layers_is_one_pair():
    report = check(Mutant(pick(2, True, False), (("at_output", 1), ("at_output", 2))))
    texts = {g.name: g.explained for g in report.gradients if not g.ok}
    assert "taken at the output A" in texts["W2"]
    assert (
        "in the layer of W1" in texts["W1"] and "carried down from the layer of W2" in texts["W1"]
    )


def test_sigma_prime_and_the_two_left_out_together():
    report = check(Mutant(pick(1, False, False), (("left_out", 1), ("factor2", 0))))
    text = str(report)
    assert "factor 2 left out" in text and "derivative of sigmoid left out" in text, text


@pytest.mark.parametrize("columns", [False, True])
def test_db_summed_without_axis_is_named(columns):
    net = next(n for n in NETS if n.columns == columns and n.sizes[-1] > 1)
    report = check(Mutant(net, (("db_no_axis", net.depth),)))
    assert "np.sum(dZ) without axis" in str(report), str(report)


# -- no false verdicts, no crashes ----------------------------------------------------


def test_a_forward_that_writes_into_its_inputs_keeps_its_verdict():
    def forward(w, X):
        X -= X.mean(0)
        w *= 2
        return np.sum((X @ w) ** 2)

    def backward(w, X):
        X -= X.mean(0)
        return (2 * 2 * X.T @ (X @ (2 * w)),)

    w, X = np.array([0.5, -1.0]), np.array([[1.0, 2.0], [3.0, 5.0], [0.0, 1.0]])
    report = check_backward(forward, backward, w, X, no_grad=["X"])
    assert report, str(report)
    assert X.tolist() == [[1.0, 2.0], [3.0, 5.0], [0.0, 1.0]] and w.tolist() == [0.5, -1.0]
    wrong = check_backward(forward, lambda w, X: (-backward(w, X.copy())[0],), w, X, no_grad=["X"])
    assert not wrong


@pytest.mark.parametrize("bad", [np.array([1 + 0j, 2 + 0j]), np.array(["2.0", "4.0"])])
def test_complex_or_string_gradients_are_refused(bad):
    report = check_backward(lambda w: np.sum(w * w), lambda w: (bad,), np.array([1.0, 2.0]))
    assert not report
    assert "not an array of real numbers" in str(report)


def test_nan_where_the_correct_value_is_nan_is_right():
    def forward(w):
        return np.sum(np.sqrt(w) * 0 + w)

    report = check_backward(forward, lambda w: (np.array([np.nan, 1.0]),), np.array([0.0, 4.0]))
    assert report.gradients[0].want[0] != report.gradients[0].want[0]  # the engine's nan
    assert report, str(report)


def test_a_scalar_bias_0d_array():
    def forward(w, b, x):
        return np.sum(np.tanh(x @ w + b) ** 2)

    def backward(w, b, x):
        a = np.tanh(x @ w + b)
        dz = 2 * a * (1 - a**2)
        return x.T @ dz, np.sum(dz)

    w, b, x = np.array([0.5, -0.2]), np.array(0.3), np.array([[1.0, 2.0], [0.5, -1.0]])
    assert check_backward(forward, backward, w, b, x, no_grad=["x"])
    report = check_backward(
        forward, lambda *a: (backward(*a)[0], -backward(*a)[1]), w, b, x, no_grad=["x"]
    )
    assert [g.name for g in report.gradients if not g.ok] == ["b"]


def test_integer_labels_stay_integers():
    def forward(W, y):
        return -np.sum(np.log(np.tanh(W[np.arange(2), y]) + 2))

    def backward(W, y):
        t = np.tanh(W[np.arange(2), y])
        g = np.zeros_like(W)
        g[np.arange(2), y] = -(1 - t**2) / (t + 2)
        return g

    W, y = np.array([[0.5, 0.1], [0.2, -0.3]]), np.array([1, 0])
    report = check_backward(forward, backward, W, y, no_grad=["y"])
    assert report, str(report)


def test_no_grad_naming_no_argument_is_an_error():
    with pytest.raises(ValueError, match=r"no_grad names 'x'.*w, X"):
        check_backward(
            lambda w, X: np.sum(w), lambda w, X: w, np.ones(2), np.ones(2), no_grad=["x"]
        )


def test_an_80x80_layer_passes_and_the_time_limit_is_the_checks():
    rng = np.random.default_rng(1)
    X, W = rng.normal(size=(4, 80)), rng.normal(size=(80, 80)) / 9

    def forward(X, W):
        return np.sum(np.tanh(X @ W))

    def backward(X, W):
        return (X.T @ (1 - np.tanh(X @ W) ** 2),)

    assert check_backward(forward, backward, X, W, no_grad=["X"])
    short = check_backward(forward, backward, X, W, no_grad=["X"], time_limit=0.01)
    assert "the time this check gives one call" in short.error
    assert "time_limit=" in short.error


# -- the mutation score ---------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([m for net in NETS[::3] for m in mutants(net)]))
def test_every_mutant_is_flagged_and_its_mistake_named(mutant):
    report = check(mutant)
    assert judged(mutant, report) == (True, True), f"{mutant.text()}\n{report}"


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(list(unusual())))
def test_right_backward_passes_in_unusual_styles_are_right(mutant):
    report = check(mutant)
    assert report, f"{mutant.text()}\n{report}"


@pytest.mark.long
def test_the_whole_mutation_score():
    for net in NETS:
        for mutant in mutants(net):
            assert judged(mutant, check(mutant)) == (True, True), mutant.text()
    for mutant in unusual():
        assert check(mutant), mutant.text()
