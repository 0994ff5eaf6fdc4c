"""Conversion of an ``MLP`` into an equivalent PyTorch module (needs the ``torch`` extra)."""

from __future__ import annotations

from typing import Any

_TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}


def mlp_to_torch(model: Any, dtype: Any = None) -> Any:
    """``torch.nn.Sequential`` of ``Linear`` and activation modules holding ``model``'s weights.

    ``model`` is an ``autograd.nn.MLP`` (anything with ``layers`` of ``neurons``).

    Row j of a ``Linear``'s weight is neuron j's weights; its bias is neuron j's bias.

    >>> from autograd.nn.modules import MLP
    >>> model = MLP(2, [3, 1], activation="tanh", seed=0)
    >>> try:
    ...     import torch
    ... except ImportError:  # PyTorch is an extra; without it the call says how to install it
    ...     torch = None
    >>> if torch is not None:
    ...     net = mlp_to_torch(model)
    ...     assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear"]
    ...     y = net(torch.tensor([0.5, -1.0], dtype=torch.float64)).item()
    ...     assert abs(y - model([0.5, -1.0]).data) < 1e-12
    """
    try:
        import torch
    except ImportError as e:
        raise ImportError("MLP.to_torch needs PyTorch: pip install 'scalar-autograd[torch]'") from e
    dtype = torch.float64 if dtype is None else dtype
    modules = []
    for layer in model.layers:
        act = layer.activation
        if not (isinstance(act, str) and (act == "linear" or act in _TORCH_ACTIVATIONS)):
            raise ValueError(f"to_torch: activation {act!r} has no PyTorch equivalent here")
        lin = torch.nn.Linear(layer.nin, layer.nout, dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(
                torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=dtype)
            )
            lin.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=dtype))
        modules.append(lin)
        if act != "linear":
            modules.append(getattr(torch.nn, _TORCH_ACTIVATIONS[act])())
    return torch.nn.Sequential(*modules)
