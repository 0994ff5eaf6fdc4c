"""Neural networks on Values: modules, losses, optimisers, datasets and model files.

>>> from autograd.nn import MLP
>>> model = MLP(2, [3, 1], seed=0)
>>> model.num_parameters()
13
"""

from . import datasets, losses, optim
from .files import ModelFileError
from .modules import MLP, Layer, Module, Neuron, load
from .plots import plot_decision_boundary, plot_loss_curve
from .training import History, Task, TrainingDiverged, accuracy, fit

__all__ = [
    "MLP",
    "History",
    "Layer",
    "ModelFileError",
    "Module",
    "Neuron",
    "Task",
    "TrainingDiverged",
    "accuracy",
    "datasets",
    "fit",
    "load",
    "losses",
    "optim",
    "plot_decision_boundary",
    "plot_loss_curve",
]
