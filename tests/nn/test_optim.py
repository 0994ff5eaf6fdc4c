"""Optimisers against their published update rules, re-implemented here step by step."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.nn.optim import SGD, Adam, AdamW, LinearLR

START = [1.5, -0.5]


def loss_and_grad(p):
    """f(a, b) = (a - 2)^2 + 3 (a b - 1)^2 + b^4 and its gradient, by hand."""
    a, b = p
    f = (a - 2) ** 2 + 3 * (a * b - 1) ** 2 + b**4
    return f, [2 * (a - 2) + 6 * (a * b - 1) * b, 6 * (a * b - 1) * a + 4 * b**3]


def engine_run(make_opt, steps=6):
    ps = [Value(v) for v in START]
    opt = make_opt(ps)
    trace = []
    for _ in range(steps):
        a, b = ps
        f = (a - 2) ** 2 + 3 * (a * b - 1) ** 2 + b**4
        opt.zero_grad()
        f.backward()
        opt.step()
        trace.append([p.data for p in ps])
    return trace


def sgd_reference(lr, momentum=0.0, dampening=0.0, nesterov=False, wd=0.0, steps=6):
    # torch.optim.SGD documentation, algorithm box
    p, buf, trace = list(START), None, []
    for t in range(steps):
        _, g = loss_and_grad(p)
        g = [gi + wd * pi for gi, pi in zip(g, p, strict=True)]
        if momentum:
            buf = (
                g
                if t == 0
                else [momentum * b + (1 - dampening) * gi for b, gi in zip(buf, g, strict=True)]
            )
            g = [gi + momentum * b for gi, b in zip(g, buf, strict=True)] if nesterov else buf
        p = [pi - lr * gi for pi, gi in zip(p, g, strict=True)]
        trace.append(p)
    return trace


def adam_reference(lr, b1, b2, eps, wd, decoupled, steps=6):
    # Kingma & Ba (2015), Algorithm 1; AdamW: Loshchilov & Hutter (2019), decay on the weights
    p, m, v, trace = list(START), [0.0, 0.0], [0.0, 0.0], []
    for t in range(1, steps + 1):
        _, g = loss_and_grad(p)
        if decoupled:
            p = [pi * (1 - lr * wd) for pi in p]
        else:
            g = [gi + wd * pi for gi, pi in zip(g, p, strict=True)]
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g, strict=True)]
        mhat = [mi / (1 - b1**t) for mi in m]
        vhat = [vi / (1 - b2**t) for vi in v]
        p = [pi - lr * mh / (math.sqrt(vh) + eps) for pi, mh, vh in zip(p, mhat, vhat, strict=True)]
        trace.append(p)
    return trace


def close(a, b):
    for x, y in zip(a, b, strict=True):
        assert x == pytest.approx(y, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"momentum": 0.9},
        {"momentum": 0.8, "nesterov": True},
        {"weight_decay": 0.1},
        {"momentum": 0.5, "weight_decay": 0.05, "nesterov": True},
    ],
)
def test_sgd_matches_update_rule(kw):
    got = engine_run(lambda ps: SGD(ps, lr=0.01, **kw))
    want = sgd_reference(
        0.01,
        kw.get("momentum", 0.0),
        nesterov=kw.get("nesterov", False),
        wd=kw.get("weight_decay", 0.0),
    )
    close(got, want)


@pytest.mark.parametrize(("cls", "wd"), [(Adam, 0.0), (Adam, 0.1), (AdamW, 0.1)])
def test_adam_family_matches_update_rule(cls, wd):
    got = engine_run(lambda ps: cls(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=wd))
    close(got, adam_reference(0.05, 0.8, 0.99, 1e-6, wd, decoupled=cls is AdamW))


def test_optimisers_reduce_the_loss():
    for make in (lambda ps: SGD(ps, lr=0.01, momentum=0.9), lambda ps: Adam(ps, lr=0.05)):
        trace = engine_run(make, steps=30)
        assert loss_and_grad(trace[-1])[0] < 0.5 * loss_and_grad(START)[0]


def test_linear_schedule():
    opt = SGD([Value(0.0)], lr=2.0)
    sched = LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=10)
    lrs = [opt.lr]
    for _ in range(12):
        sched.step()
        lrs.append(opt.lr)
    assert lrs[0] == 2.0 and lrs[5] == pytest.approx(2.0 * 0.55) and lrs[10] == pytest.approx(0.2)
    assert lrs[12] == pytest.approx(0.2)  # held after total_iters


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: SGD(p, lr=-1.0), "lr must be finite and >= 0"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), "nesterov needs a momentum"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), r"beta2 must be finite and in \[0.0, 1.0\)"),
        (lambda p: Adam(p, betas=0.9), "betas must be a pair"),
        (lambda p: SGD([], lr=0.1), "empty parameter list"),
        (lambda p: SGD(p + p, lr=0.1), "more than once"),
        (lambda p: LinearLR(SGD(p), total_iters=0), "total_iters"),
    ],
)
def test_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make([Value(1.0)])
    with pytest.raises(TypeError, match="parameter 0 is a float"):
        SGD([1.0])


OPTIMISERS = {
    "sgd": lambda ps: SGD(ps, lr=0.1),
    "sgd momentum decay": lambda ps: SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.1),
    "sgd nesterov": lambda ps: SGD(ps, lr=0.05, momentum=0.8, nesterov=True),
    "adam": lambda ps: Adam(ps, lr=0.05),
    "adam decay": lambda ps: Adam(ps, lr=0.05, betas=(0.8, 0.99), weight_decay=0.1),
    "adamw": lambda ps: AdamW(ps, lr=0.05, weight_decay=0.1),
}


def held(opt):
    """Everything an optimiser and its parameters hold, nan compared as its bits."""
    kept = {k: v for k, v in vars(opt).items() if k != "params"}
    return repr(kept), [(p.data, p.grad) for p in opt.params]


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(OPTIMISERS)),
    start=st.lists(st.floats(-10, 10), min_size=1, max_size=4),
    data=st.data(),
)
def test_a_peeked_step_is_the_step_bit_for_bit_and_peeking_changes_nothing(name, start, data):
    ps = [Value(v) for v in start]
    opt = OPTIMISERS[name](ps)
    gradients = st.lists(st.floats(-1e3, 1e3), min_size=len(ps), max_size=len(ps))
    for _ in range(data.draw(st.integers(1, 5))):
        for p, g in zip(ps, data.draw(gradients), strict=True):
            p.grad = g
        other = data.draw(gradients)
        before = held(opt)
        peeked, peeked_other = opt.peek_step(), opt.peek_step(other)
        assert held(opt) == before  # peeking, with the own or other gradients, changed nothing
        opt.step()
        assert [p.data for p in ps] == peeked  # == on floats: bit for bit
        assert len(peeked_other) == len(ps)


def test_a_peek_with_the_wrong_gradients_is_refused_and_changes_nothing():
    ps = [Value(1.0), Value(2.0)]
    opt = Adam(ps, lr=0.1)
    with pytest.raises(ValueError, match=r"Adam.peek_step: got 1 gradients for 2 parameters"):
        opt.peek_step([1.0])
    with pytest.raises(TypeError, match=r"peek_step\(grads\[1\]\)"):
        opt.peek_step([1.0, "x"])
    assert opt.steps == 0 and [p.data for p in ps] == [1.0, 2.0]
