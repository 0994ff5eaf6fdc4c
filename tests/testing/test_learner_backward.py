"""check_backward on one sigmoid layer: the right backward passes, each classic mistake is
located entry by entry and named, with the correct value beside the learner's."""

import learner_backwards as lb
import numpy as np
import pytest

from autograd.testing import check_backward


def check(backward, *arrays):
    return check_backward(lb.forward, backward, *(arrays or lb.example()), no_grad=["X", "Y"])


def test_the_right_backward_passes():
    report = check(lb.right)
    assert report, str(report)
    assert str(report).splitlines() == [
        "check_backward: every gradient is right.",
        "dW: right (3 entries)",
        "db: right (1 entry)",
    ]


@pytest.mark.parametrize(
    ("backward", "wrong", "words"),
    [
        (
            lb.tutorial,
            ["W"],
            "sigmoid's derivative applied after the product, with the layer's "
            "output A where its input X belongs: (A.T @ dA) * sigmoid'(Z)",
        ),
        (
            lb.after_product,
            ["W"],
            "sigmoid's derivative applied after the product: (X.T @ dA) * sigmoid'(Z)",
        ),
        (lb.at_output, ["W", "b"], "taken at the output A instead of the input Z"),
        (lb.no_mean, ["W"], "a missing 1/m (m = 3): yours is 3 × dW"),
        (lb.sign, ["W"], "a sign: yours is -dW"),
        (
            lb.left_out,
            ["W"],
            "the derivative of sigmoid left out: dZ = dA instead of dA * sigmoid'(Z)",
        ),
    ],
)
def test_each_mistake_is_located_and_named(backward, wrong, words):
    report = check(backward)
    assert not report
    assert [g.name for g in report.gradients if not g.ok] == wrong
    assert words in str(report), str(report)
    assert (
        "the correct dW is X.T @ (dA * sigmoid'(Z))" in str(report)
        or "sign" in words
        or "1/m" in words
    )
    g = report.gradients[0]
    # the learner's entries and the correct ones, side by side
    X, W, b, Y = lb.example()
    np.testing.assert_allclose(g.got, backward(X, W, b, Y)[0])
    np.testing.assert_allclose(g.want, lb.right(X, W, b, Y)[0])
    assert g.wrong == [(r, 0) for r in range(3)]


def test_a_transpose_is_named_by_its_shape():
    report = check(lb.transposed)
    assert "dW: shape (1, 3), expected (3, 1): a transpose, yours is (dW).T" in str(report)


def test_a_missing_1_over_m_on_a_larger_batch():
    rng = np.random.default_rng(5)
    X, W = rng.normal(size=(8, 2)), rng.normal(size=(2, 3))
    b, Y = rng.normal(size=3), rng.uniform(size=(8, 3))
    assert check(lb.right, X, W, b, Y)
    report = check(lb.no_mean, X, W, b, Y)
    assert "a missing 1/m (m = 8): yours is 8 × dW" in str(report)


def test_forward_that_converts_to_float_gets_a_helpful_message():
    def forward(w):
        return float(np.sum(w * w))

    report = check_backward(forward, lambda w: (2 * w,), np.array([1.0, 2.0]))
    assert not report
    assert "turns a Value into a float" in str(report)


def test_hostile_backward_gives_a_report():
    w = np.array([1.0, 2.0])

    def forward(w):
        return np.sum(w * w)

    assert "returned 2 array(s); expected 1" in str(check_backward(forward, lambda w: (w, w), w))
    assert "your backward raises ZeroDivisionError" in str(
        check_backward(forward, lambda w: 1 / 0, w)
    )
    assert "not an array of real numbers" in str(check_backward(forward, lambda w: ("x",), w))
    report = check_backward(lambda w: np.sum(w), lambda w: (np.ones(2),), w)
    assert report
