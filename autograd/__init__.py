"""gradtrace's scalar autograd engine.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = (x * x).exp()
>>> y.backward()
>>> round(x.grad, 4)
218.3926
"""

from autograd.backprop import BackwardEdge, BackwardStep, backward, backward_steps, gradients, topological_order
from autograd.functions import dot, maximum, minimum, sum_values
from autograd.gradcheck import GradcheckError, gradcheck, numeric_gradient
from autograd.modes import Scope, current_scope, detect_anomaly, is_recording, no_grad, scope
from autograd.value import Value

__all__ = [
    "BackwardEdge",
    "BackwardStep",
    "GradcheckError",
    "Scope",
    "Value",
    "backward",
    "backward_steps",
    "current_scope",
    "detect_anomaly",
    "dot",
    "gradcheck",
    "gradients",
    "is_recording",
    "maximum",
    "minimum",
    "no_grad",
    "numeric_gradient",
    "scope",
    "sum_values",
    "topological_order",
]
