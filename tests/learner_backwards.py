"""One sigmoid layer in NumPy, as the tutorial writes it: a forward, the right backward, and one
backward per classic mistake (the tutorial's own among them)."""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def d_sigmoid(z):
    return sigmoid(z) * (1 - sigmoid(z))


def forward(X, W, b, Y):
    A = sigmoid(np.dot(X, W) + b)
    return np.sum((A - Y) ** 2) / (2 * X.shape[0])


def parts(X, W, b, Y):
    Z = np.dot(X, W) + b
    return X.shape[0], Z, sigmoid(Z)


def right(X, W, b, Y):
    m, Z, A = parts(X, W, b, Y)
    dZ = (A - Y) * d_sigmoid(Z) / m
    return X.T @ dZ, dZ.sum(axis=0)


def tutorial(X, W, b, Y):
    """The tutorial's lines as written (they run when m equals the number of inputs)."""
    m, Z, A = parts(X, W, b, Y)
    dW = (1 / m) * np.dot(A.T, (A - Y)) * d_sigmoid(Z)
    db = (1 / m) * np.sum(d_sigmoid(Z) * (A - Y), axis=0)
    return dW, db


def after_product(X, W, b, Y):
    m, Z, A = parts(X, W, b, Y)
    return (X.T @ (A - Y)) / m * d_sigmoid(Z), ((A - Y) * d_sigmoid(Z)).sum(axis=0) / m


def at_output(X, W, b, Y):
    m, _, A = parts(X, W, b, Y)
    dZ = (A - Y) * d_sigmoid(A) / m
    return X.T @ dZ, dZ.sum(axis=0)


def no_mean(X, W, b, Y):
    m, Z, A = parts(X, W, b, Y)
    dZ = (A - Y) * d_sigmoid(Z)
    return X.T @ dZ, dZ.sum(axis=0) / m


def sign(X, W, b, Y):
    dW, db = right(X, W, b, Y)
    return -dW, db


def transposed(X, W, b, Y):
    dW, db = right(X, W, b, Y)
    return dW.T, db


def left_out(X, W, b, Y):
    m, Z, A = parts(X, W, b, Y)
    dZ = (A - Y) / m
    return X.T @ dZ, (dZ * d_sigmoid(Z)).sum(axis=0)


def example():
    """Three examples of three inputs, one output: the tutorial's lines run on these shapes."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (3, 3)).round(2)
    W = rng.uniform(-1, 1, (3, 1)).round(2)
    return X, W, np.array([0.1]), np.array([[1.0], [0.0], [1.0]])
