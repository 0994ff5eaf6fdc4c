"""Graphs the visualisation tests share: a neuron and an MLP-shaped network built from Values."""

import random

from autograd import Value


def neuron():
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.88, "b")
    return (x * w + b).tanh(), (x, w, b)


def mlp_loss(
    sizes=(16, 16, 1), points=((0.1, 0.2), (1.0, -1.0), (0.5, 0.3), (-1.0, 2.0)), fused=False
):
    """Loss of an MLP with the nn layer's parameter labels; ``fused`` sums w*x in one expression."""
    rng = random.Random(0)
    layers, nin = [], 2
    for li, n in enumerate(sizes):
        layer = []
        for j in range(n):
            ws = [Value(rng.uniform(-1, 1), f"L{li}.N{j}.w{i}") for i in range(nin)]
            layer.append((ws, Value(0.1, f"L{li}.N{j}.b")))
        layers.append(layer)
        nin = n
    loss = Value(0.0, "zero")
    for p in points:
        h = [Value(v, f"x{i}") for i, v in enumerate(p)]
        for li, layer in enumerate(layers):
            outs = []
            for ws, b in layer:
                if fused:
                    s = b + sum(w * x for w, x in zip(ws, h, strict=True))
                else:
                    s = b
                    for w, x in zip(ws, h, strict=True):
                        s = s + w * x
                outs.append(s.tanh() if li < len(layers) - 1 else s)
            h = outs
        loss = loss + (1 - h[0]).relu()
    params = [v for layer in layers for ws, b in layer for v in (*ws, b)]
    return loss, params
