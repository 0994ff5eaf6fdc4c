"""The named activations a neuron can use, and how a model file spells them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Union

from ..core.value import Value

Activation = Union[str, Callable[[Value], Value]]

# Name -> function (None: the identity). Model files store these names, so only named
# activations can be saved.
ACTIVATION_FUNCTIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,
}


def activation_function(activation: Activation, where: str) -> Callable[[Value], Value] | None:
    """The function for a name (None for ``"linear"``), or the callable itself.

    >>> activation_function("tanh", "Neuron") is Value.tanh, activation_function("linear", "f")
    (True, None)
    """
    if callable(activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATION_FUNCTIONS:
        return ACTIVATION_FUNCTIONS[activation]
    raise ValueError(
        f"{where}: unknown activation {activation!r}; use one of "
        f"{', '.join(map(repr, ACTIVATION_FUNCTIONS))} or a callable Value -> Value"
    )


def activation_name(activation: Activation) -> str:
    """How a model's config names an activation: the name itself, or a callable's ``__name__``.

    >>> activation_name("relu"), activation_name(abs)
    ('relu', 'abs')
    """
    if isinstance(activation, str):
        return activation
    return getattr(activation, "__name__", type(activation).__name__)
