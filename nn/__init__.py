"""Neural networks made of ``autograd.Value`` nodes: modules, activations, losses, optimizers, data, training.

>>> from nn import MLP
>>> model = MLP(2, [16, 16, 1], seed=0)
>>> score = model([0.5, -1.0])
>>> score.backward()
>>> len(model.parameters()), model.named_parameters()[0][0]
(337, 'layers.0.neurons.0.w.0')

A model saved with ``model.save(path)`` comes back with ``nn.load(path)``, architecture and weights.
"""

from nn.activations import ACTIVATIONS, log_softmax, softmax
from nn.data import (
    Dataset,
    Splits,
    Standardiser,
    accuracy,
    make_blobs,
    make_circles,
    make_moons,
    make_spiral,
    make_xor,
    minibatches,
    one_hot,
    train_val_test_split,
)
from nn.datasets import MissingExtraError, load_digits
from nn.layers import MLP, Layer, Maxout, Neuron
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_hinge,
    l2_regularization,
    mse,
    multiclass_hinge,
    softmax_cross_entropy,
)
from nn.module import Module
from nn.normalization import BatchNorm
from nn.optim import SGD, Adam, Optimizer, RMSprop
from nn.recipes import TrainingRun, train_moons
from nn.saved import load
from nn.schedules import LinearDecay, LRSchedule, StepDecay
from nn.sequential import Elementwise, Sequential
from nn.state_file import StateError
from nn.train import History, evaluate, fit

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Adam",
    "BatchNorm",
    "Dataset",
    "Elementwise",
    "History",
    "LRSchedule",
    "Layer",
    "LinearDecay",
    "Maxout",
    "MissingExtraError",
    "Module",
    "Neuron",
    "Optimizer",
    "RMSprop",
    "Sequential",
    "Splits",
    "Standardiser",
    "StateError",
    "StepDecay",
    "TrainingRun",
    "accuracy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_hinge",
    "evaluate",
    "fit",
    "l2_regularization",
    "load",
    "load_digits",
    "log_softmax",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spiral",
    "make_xor",
    "minibatches",
    "mse",
    "multiclass_hinge",
    "one_hot",
    "softmax",
    "softmax_cross_entropy",
    "train_moons",
    "train_val_test_split",
]
