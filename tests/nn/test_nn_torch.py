"""Cross-checks against PyTorch: MLP.to_torch and the optimisers (needs the torch extra)."""

import pytest

from autograd import Value
from autograd.nn import MLP
from autograd.nn.optim import SGD, Adam, AdamW

pytestmark = pytest.mark.torch


def test_to_torch_same_outputs_and_gradients():
    torch = pytest.importorskip("torch")
    model = MLP(3, [5, 4, 2], activation="tanh", output_activation="sigmoid", seed=3)
    net = model.to_torch()
    X = [[0.5, -1.0, 2.0], [0.1, 0.2, -0.3]]
    outs = [model(x) for x in X]
    loss = sum((o * o for row in outs for o in row), Value(0.0))
    loss.backward()
    t_out = net(torch.tensor(X, dtype=torch.float64))
    (t_out**2).sum().backward()
    for row, t_row in zip(outs, t_out.tolist(), strict=True):
        assert [o.data for o in row] == pytest.approx(t_row, rel=1e-12)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for layer, lin in zip(model.layers, linears, strict=True):
        for j, n in enumerate(layer.neurons):
            assert [w.grad for w in n.w] == pytest.approx(lin.weight.grad[j].tolist(), rel=1e-10)
            assert n.b.grad == pytest.approx(lin.bias.grad[j].item(), rel=1e-10)


def test_to_torch_relu_default_and_callable_refused():
    torch = pytest.importorskip("torch")
    model = MLP(2, [16, 16, 1], seed=0)
    net = model.to_torch()
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    x = [0.3, -0.7]
    assert model(x).data == pytest.approx(net(torch.tensor(x, dtype=torch.float64)).item())
    with pytest.raises(ValueError, match="no PyTorch equivalent"):
        MLP(1, [1], output_activation=lambda v: v).to_torch()


@pytest.mark.parametrize(
    ("ours", "theirs", "kw"),
    [
        (SGD, "SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
        (Adam, "Adam", {"lr": 0.05, "weight_decay": 0.1}),
        (AdamW, "AdamW", {"lr": 0.05, "weight_decay": 0.1}),
    ],
)
def test_optimisers_match_torch(ours, theirs, kw):
    torch = pytest.importorskip("torch")
    start = [1.5, -0.5]
    ps = [Value(v) for v in start]
    tp = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt, topt = ours(ps, **kw), getattr(torch.optim, theirs)([tp], **kw)
    for _ in range(8):
        a, b = ps
        f = (a - 2) ** 2 + 3 * (a * b - 1) ** 2 + b**4
        opt.zero_grad()
        f.backward()
        opt.step()
        ta, tb = tp[0], tp[1]
        tf = (ta - 2) ** 2 + 3 * (ta * tb - 1) ** 2 + tb**4
        topt.zero_grad()
        tf.backward()
        topt.step()
        assert [p.data for p in ps] == pytest.approx(tp.tolist(), rel=1e-10)
