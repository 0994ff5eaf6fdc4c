"""Neural networks on the engine: ``Module``, ``Neuron``, ``Layer`` and ``MLP``.

A neuron computes ``y = f(b + sum_i w_i * x_i)``; a layer is neurons that read the same inputs;
an MLP is layers in sequence. The weighted sum is one fused graph node (``autograd.fused``), so
a neuron costs two nodes (sum and activation) however many inputs it has.

Initialisation (biases start at 0), chosen so that the variance of the signal neither explodes
nor vanishes from layer to layer:

- ``relu``: He uniform, ``w ~ U(-a, a)`` with ``a = sqrt(6 / nin)``;
- ``tanh``, ``sigmoid``, ``linear`` and callables: Glorot uniform, ``a = sqrt(6 / (nin + nout))``
  (a lone ``Neuron`` counts ``nout = 1``).

Pass ``seed`` (an int or a ``random.Random``) to make it reproducible.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Iterator, Sequence
from typing import Any, Union

from ..core.value import Operand, Value, lift
from ..fused import linear_values
from . import files
from .activations import Activation, activation_function, activation_name

Seed = Union[int, random.Random, None]


def _rng(seed: Seed) -> random.Random:
    if isinstance(seed, random.Random):
        return seed
    if seed is None or (isinstance(seed, int) and not isinstance(seed, bool)):
        return random.Random(seed)
    raise TypeError(f"seed: expected an int, a random.Random or None, got {type(seed).__name__}")


def _count(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {n!r}")
    return n


def init_bound(activation: Activation, nin: int, nout: int = 1) -> float:
    """Half-width ``a`` of the uniform initialisation ``U(-a, a)`` used for the weights.

    >>> init_bound("relu", 6), init_bound("tanh", 2, 1)
    (1.0, 1.4142135623730951)
    """
    return math.sqrt(6.0 / nin) if activation == "relu" else math.sqrt(6.0 / (nin + nout))


def _lifted(x: Sequence[Operand], nin: int, where: str) -> tuple[Value, ...]:
    if isinstance(x, (Value, str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(f"{where}: expected a sequence of {nin} inputs, got {type(x).__name__}")
    if len(x) != nin:
        raise ValueError(f"{where}: expected {nin} inputs, got {len(x)}")
    return tuple([v if type(v) is Value else lift(v, where) for v in x])


class Module:
    """Base class: something with parameters (Values) that can be called on inputs.

    Subclasses define ``named_parameters`` and ``config`` (the architecture as plain data).

    >>> model = MLP(2, [3, 1], seed=0)
    >>> isinstance(model, Module), len(model.parameters()), model.config()["type"]
    (True, 13, 'MLP')
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs in a fixed order, named by position: ``L<layer>.N<neuron>.w<i>``.

        The names are the keys of ``state_dict`` and of model files. They come from where each
        parameter sits, never from ``Value.label`` (which starts equal to the name but is only
        for display, so relabelling a parameter to draw it changes nothing here).

        >>> n = Neuron(2, seed=0)
        >>> n.w[0].label = "x-weight"
        >>> [name for name, _ in n.named_parameters()]
        ['L0.N0.w0', 'L0.N0.w1', 'L0.N0.b']
        """
        raise NotImplementedError

    def parameters(self) -> list[Value]:
        """All parameters: layer by layer, neuron by neuron, the weights then the bias.

        >>> len(MLP(2, [16, 16, 1], seed=0).parameters())
        337
        """
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many parameters the module has.

        >>> Layer(3, 2, seed=0).num_parameters()
        8
        """
        return len(self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0 (call before each ``backward``).

        >>> n = Neuron(2, seed=0)
        >>> n([1.0, 2.0]).backward()
        >>> n.zero_grad(); [p.grad for p in n.parameters()]
        [0.0, 0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    def config(self) -> dict[str, Any]:
        """The architecture as JSON-ready data (no weights).

        >>> Layer(3, 2, activation="tanh", seed=0).config()
        {'type': 'Layer', 'nin': 3, 'nout': 2, 'activation': 'tanh'}
        """
        raise NotImplementedError

    def state_dict(self) -> dict[str, float]:
        """Parameter values by name (see ``named_parameters``).

        >>> n = Neuron(1, seed=0)
        >>> n.w[0].data = 0.25
        >>> n.state_dict()
        {'L0.N0.w0': 0.25, 'L0.N0.b': 0.0}
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, float]) -> None:
        """Set every parameter from ``state``; on any mismatch raise and change nothing.

        >>> n = Neuron(1, seed=0)
        >>> n.load_state_dict({"L0.N0.w0": 2.0, "L0.N0.b": -1.0}); n([3.0]).data
        5.0
        """
        named = self.named_parameters()
        names = [name for name, _ in named]
        if not isinstance(state, dict) or set(state) != set(names):
            got = sorted(state) if isinstance(state, dict) else type(state).__name__
            raise ValueError(f"load_state_dict: expected parameters {names}, got {got}")
        values = []
        for name in names:
            v = state[name]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"load_state_dict: parameter {name} must be a finite number")
            values.append(float(v))
        for (_, p), v in zip(named, values, strict=True):
            p.data = v

    def save(self, path: str) -> None:
        """Write architecture and parameters to ``path`` as JSON (see ``autograd.nn.files``).

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "neuron.json")
        >>> a, b = Neuron(2, seed=1), Neuron(2, seed=2)
        >>> a.save(path); b.load(path)
        >>> a.state_dict() == b.state_dict()
        True
        """
        files.save(self, path)

    def load(self, path: str) -> None:
        """Read parameters saved by ``save``; a bad or mismatched file raises, changing nothing.

        See ``save`` for an example.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
        >>> MLP(2, [3, 1], seed=1).save(path)
        >>> model = MLP(2, [3, 1], seed=2)
        >>> model.load(path)
        >>> model.state_dict() == MLP(2, [3, 1], seed=1).state_dict()
        True
        """
        files.load_into(self, path)

    def __call__(self, x: Sequence[Operand]) -> Any:
        raise NotImplementedError


class Neuron(Module):
    """One unit: ``f(b + w . x)``.

    >>> n = Neuron(2, activation="linear", seed=0)
    >>> n.w[0].data, n.w[1].data = 0.5, -2.0
    >>> y = n([4.0, 1.0])
    >>> y.data, y.op
    (0.0, 'linear')
    """

    def __init__(
        self,
        nin: int,
        activation: Activation = "relu",
        seed: Seed = None,
        *,
        nout: int = 1,
        layer: int = 0,
        index: int = 0,
    ) -> None:
        self.nin = _count(nin, "Neuron: nin")
        self.activation = activation
        self._act = activation_function(activation, "Neuron")
        a = init_bound(activation, nin, nout)
        rng = _rng(seed)
        prefix = f"L{layer}.N{index}"
        # a tuple: the fused node keeps it as it is (see autograd.core.linear)
        self.w = tuple(Value(rng.uniform(-a, a), f"{prefix}.w{i}") for i in range(nin))
        self.b = Value(0.0, f"{prefix}.b")

    def _fire(self, xs: tuple[Value, ...]) -> Value:
        s = linear_values(self.w, xs, self.b)
        act = self._act
        return s if act is None else act(s)

    def __call__(self, x: Sequence[Operand]) -> Value:
        return self._fire(_lifted(x, self.nin, "Neuron"))

    def named_parameters(self) -> list[tuple[str, Value]]:
        return self._named("L0.N0")

    def _named(self, prefix: str) -> list[tuple[str, Value]]:
        return [*((f"{prefix}.w{i}", w) for i, w in enumerate(self.w)), (f"{prefix}.b", self.b)]

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    # A named activation is stored by its name and looked up again when unpickled; a callable
    # one is pickled as itself (by reference: a function defined at module level).
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if isinstance(self.activation, str):
            del state["_act"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if "_act" not in state:
            self._act = activation_function(self.activation, "Neuron")

    def config(self) -> dict[str, Any]:
        return {"type": "Neuron", "nin": self.nin, "activation": activation_name(self.activation)}

    def __repr__(self) -> str:
        return f"Neuron({self.nin} inputs, {activation_name(self.activation)})"


class Layer(Module):
    """``nout`` neurons reading the same inputs; calling it returns a list of ``nout`` Values.

    >>> layer = Layer(3, 2, activation="tanh", seed=0)
    >>> ys = layer([1.0, 0.0, -1.0])
    >>> len(ys), ys[0].op
    (2, 'tanh')
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: Activation = "relu",
        seed: Seed = None,
        *,
        index: int = 0,
    ) -> None:
        self.nin, self.nout = _count(nin, "Layer: nin"), _count(nout, "Layer: nout")
        self.activation = activation
        activation_function(activation, "Layer")
        rng = _rng(seed)
        self.neurons = [
            Neuron(nin, activation, rng, nout=nout, layer=index, index=j) for j in range(nout)
        ]

    def _forward(self, xs: tuple[Value, ...]) -> list[Value]:
        out = []
        for n in self.neurons:  # Neuron._fire, inlined: this runs once per neuron and example
            s = linear_values(n.w, xs, n.b)
            act = n._act
            out.append(s if act is None else act(s))
        return out

    def __call__(self, x: Sequence[Operand]) -> list[Value]:
        return self._forward(_lifted(x, self.nin, "Layer"))

    def named_parameters(self) -> list[tuple[str, Value]]:
        return self._named(0)

    def _named(self, layer: int) -> list[tuple[str, Value]]:
        return [item for j, n in enumerate(self.neurons) for item in n._named(f"L{layer}.N{j}")]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in (*n.w, n.b)]

    def config(self) -> dict[str, Any]:
        return {
            "type": "Layer",
            "nin": self.nin,
            "nout": self.nout,
            "activation": activation_name(self.activation),
        }

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, {activation_name(self.activation)})"


class MLP(Module):
    """Multi-layer perceptron: hidden layers with ``activation``, last with ``output_activation``.

    ``MLP(2, [16, 16, 1])`` has 337 parameters, ReLU hidden layers and a linear output. Calling
    it returns one Value when the last layer has one output, else a list.

    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> model
    MLP(2 -> [16, 16, 1], 337 parameters)
      (L0): Layer(2 -> 16, relu)
      (L1): Layer(16 -> 16, relu)
      (L2): Layer(16 -> 1, linear)
    >>> type(model([0.5, -1.0])).__name__
    'Value'
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: Activation = "relu",
        output_activation: Activation = "linear",
        seed: Seed = None,
    ) -> None:
        self.nin = _count(nin, "MLP: nin")
        if isinstance(nouts, (str, bytes)) or not hasattr(nouts, "__iter__"):
            raise TypeError(f"MLP: nouts must be a list of layer sizes, got {nouts!r}")
        self.nouts = [_count(n, "MLP: each layer size") for n in nouts]
        if not self.nouts:
            raise ValueError("MLP: nouts must name at least one layer")
        self.activation, self.output_activation = activation, output_activation
        rng = _rng(seed)
        sizes = [nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                output_activation if i == last else activation,
                rng,
                index=i,
            )
            for i in range(len(self.nouts))
        ]

    def __call__(self, x: Sequence[Operand]) -> Value | list[Value]:
        xs = _lifted(x, self.nin, "MLP")
        for layer in self.layers:
            xs = tuple(layer._forward(xs))  # one tuple, kept by every neuron of the next layer
        return xs[0] if len(xs) == 1 else list(xs)

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [item for i, layer in enumerate(self.layers) for item in layer._named(i)]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for n in layer.neurons for p in (*n.w, n.b)]

    def config(self) -> dict[str, Any]:
        return {
            "type": "MLP",
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": activation_name(self.activation),
            "output_activation": activation_name(self.output_activation),
        }

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __repr__(self) -> str:
        head = f"MLP({self.nin} -> {self.nouts}, {self.num_parameters()} parameters)"
        return "\n".join([head, *(f"  (L{i}): {layer!r}" for i, layer in enumerate(self.layers))])

    def to_torch(self, dtype: Any = None) -> Any:
        """An equivalent ``torch.nn.Sequential`` with copies of the weights (float64 default).

        Needs the ``torch`` extra; only named activations can be converted.

        >>> net = MLP(2, [4, 1], seed=0).to_torch()  # doctest: +SKIP
        >>> [type(m).__name__ for m in net]  # doctest: +SKIP
        ['Linear', 'ReLU', 'Linear']
        """
        from .torch_bridge import mlp_to_torch

        return mlp_to_torch(self, dtype)


def build(arch: dict[str, Any]) -> Module:
    """A fresh Module (weights still random) for a checked architecture.

    >>> build({"type": "MLP", "nin": 2, "nouts": [3, 1], "activation": "relu",
    ...        "output_activation": "linear"}).num_parameters()
    13
    """
    kind = arch["type"]
    if kind == "MLP":
        return MLP(arch["nin"], arch["nouts"], arch["activation"], arch["output_activation"], 0)
    if kind == "Layer":
        return Layer(arch["nin"], arch["nout"], arch["activation"], 0)
    return Neuron(arch["nin"], arch["activation"], 0)


def load(path: str | os.PathLike[str]) -> Module:
    """A new Module rebuilt from the file's architecture, with its parameters.

    See ``save`` for an example.

    >>> import os, tempfile
    >>> from autograd.nn.modules import MLP
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> MLP(3, [4, 2], activation="tanh", seed=0).save(path)
    >>> load(path)
    MLP(3 -> [4, 2], 26 parameters)
      (L0): Layer(3 -> 4, tanh)
      (L1): Layer(4 -> 2, linear)
    """
    arch, params = files.read(path)
    files.check_parameter_count(arch, params, path)
    module = build(arch)
    files.load_checked(module, params, path)
    return module
