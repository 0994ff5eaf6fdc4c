"""The tutorial's matrix formulas for backpropagation, checked against the engine.

A layer computes Z = X W + b, A = sigmoid(Z), and the error is E = sum((A - Y)^2) / (2 m) over m
examples. Its gradients, derived by hand: dZ = (A - Y) * sigmoid'(Z), dW = X^T dZ / m,
db = sum over rows of dZ / m. sigmoid' is taken at Z, elementwise, before multiplying by X^T.
"""

import math
import random

import pytest

from autograd.nn.datasets import DATASETS
from autograd.nn.losses import hinge, softmax_cross_entropy
from autograd.nn.modules import MLP, Layer
from autograd.nn.optim import SGD, Adam


def sig(z):
    return 1 / (1 + math.exp(-z))


def matmul(a, b):
    return [
        [sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))]
        for i in range(len(a))
    ]


def transpose(a):
    return [list(r) for r in zip(*a, strict=True)]


def forward(X, W, b):
    Z = [[z + bj for z, bj in zip(row, b, strict=True)] for row in matmul(X, W)]
    return Z, [[sig(z) for z in row] for row in Z]


def set_layer(layer, W, b):
    """W is nin x nout (column j = neuron j's weights)."""
    for j, neuron in enumerate(layer.neurons):
        for i, w in enumerate(neuron.w):
            w.data = W[i][j]
        neuron.b.data = b[j]


def layer_grads(layer):
    dW = [[n.w[i].grad for n in layer.neurons] for i in range(layer.nin)]
    return dW, [n.b.grad for n in layer.neurons]


def data(m, nin, nout, seed):
    rng = random.Random(seed)
    X = [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(m)]
    Y = [[rng.uniform(0, 1) for _ in range(nout)] for _ in range(m)]
    return X, Y


def engine_error(outputs, Y):
    m = len(Y)
    terms = [
        (a - y) ** 2
        for row_a, row_y in zip(outputs, Y, strict=True)
        for a, y in zip(row_a, row_y, strict=True)
    ]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total / (2 * m)


def test_one_sigmoid_layer_matches_hand_formulas():
    m, nin, nout = 5, 3, 2
    X, Y = data(m, nin, nout, seed=1)
    rng = random.Random(2)
    W = [[rng.uniform(-1, 1) for _ in range(nout)] for _ in range(nin)]
    b = [rng.uniform(-1, 1) for _ in range(nout)]
    layer = Layer(nin, nout, activation="sigmoid")
    set_layer(layer, W, b)
    engine_error([layer(x) for x in X], Y).backward()

    Z, A = forward(X, W, b)
    dZ = [
        [(a - y) * sig(z) * (1 - sig(z)) for a, y, z in zip(ra, ry, rz, strict=True)]
        for ra, ry, rz in zip(A, Y, Z, strict=True)
    ]
    dW = [[v / m for v in row] for row in matmul(transpose(X), dZ)]
    db = [sum(col) / m for col in zip(*dZ, strict=True)]
    got_dW, got_db = layer_grads(layer)
    for g, h in zip(got_dW, dW, strict=True):
        assert g == pytest.approx(h, rel=1e-12)
    assert got_db == pytest.approx(db, rel=1e-12)

    # The tutorial's snippet applies sigmoid' after the product X^T (A - Y); that is not the
    # gradient, and the engine tells them apart.
    wrong = [
        [sig(v) * (1 - sig(v)) / m for v in row]
        for row in matmul(
            transpose(X),
            [[a - y for a, y in zip(ra, ry, strict=True)] for ra, ry in zip(A, Y, strict=True)],
        )
    ]
    assert any(
        abs(g - w) > 1e-3
        for gr, wr in zip(got_dW, wrong, strict=True)
        for g, w in zip(gr, wr, strict=True)
    )


def test_two_sigmoid_layers_match_hand_formulas():
    m, nin, nh, nout = 4, 2, 3, 2
    X, Y = data(m, nin, nout, seed=3)
    rng = random.Random(4)
    W1 = [[rng.uniform(-1, 1) for _ in range(nh)] for _ in range(nin)]
    b1 = [rng.uniform(-1, 1) for _ in range(nh)]
    W2 = [[rng.uniform(-1, 1) for _ in range(nout)] for _ in range(nh)]
    b2 = [rng.uniform(-1, 1) for _ in range(nout)]
    model = MLP(nin, [nh, nout], activation="sigmoid", output_activation="sigmoid")
    set_layer(model.layers[0], W1, b1)
    set_layer(model.layers[1], W2, b2)
    engine_error([model(x) for x in X], Y).backward()

    Z1, A1 = forward(X, W1, b1)
    Z2, A2 = forward(A1, W2, b2)
    dZ2 = [
        [(a - y) * sig(z) * (1 - sig(z)) for a, y, z in zip(ra, ry, rz, strict=True)]
        for ra, ry, rz in zip(A2, Y, Z2, strict=True)
    ]
    dW2 = [[v / m for v in row] for row in matmul(transpose(A1), dZ2)]
    db2 = [sum(col) / m for col in zip(*dZ2, strict=True)]
    dA1 = matmul(dZ2, transpose(W2))
    dZ1 = [
        [d * sig(z) * (1 - sig(z)) for d, z in zip(rd, rz, strict=True)]
        for rd, rz in zip(dA1, Z1, strict=True)
    ]
    dW1 = [[v / m for v in row] for row in matmul(transpose(X), dZ1)]
    db1 = [sum(col) / m for col in zip(*dZ1, strict=True)]
    for layer, (dW, db) in zip(model.layers, [(dW1, db1), (dW2, db2)], strict=True):
        got_dW, got_db = layer_grads(layer)
        for g, h in zip(got_dW, dW, strict=True):
            assert g == pytest.approx(h, rel=1e-12)
        assert got_db == pytest.approx(db, rel=1e-12)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_training_reduces_the_loss_on_every_dataset(name):
    X, y = DATASETS[name](48, seed=1)
    k = max(y) + 1
    model = MLP(2, [8, 8, 1 if k == 2 else k], seed=1)
    opt = Adam(model.parameters(), lr=0.05) if k > 2 else SGD(model.parameters(), lr=0.5)

    def loss():
        out = [model(x) for x in X]
        return hinge(out, [2.0 * c - 1 for c in y]) if k == 2 else softmax_cross_entropy(out, y)

    first = loss().data
    for _ in range(25):
        err = loss()
        opt.zero_grad()
        err.backward()
        opt.step()
    assert loss().data < 0.8 * first
