"""gradtrace's scalar autograd engine.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = (x * x).exp()
>>> y.backward()
>>> round(x.grad, 4)
218.3926
"""

from autograd.backprop import BackwardEdge, BackwardStep, backward, backward_steps, gradients, topological_order
from autograd.curvature import hessian, hessian_vector_product
from autograd.functions import dot, maximum, minimum, sum_values
from autograd.gates import Gate, gate
from autograd.gradcheck import GradcheckError, gradcheck, numeric_gradient
from autograd.gradgradcheck import gradgradcheck
from autograd.higher_order import grad
from autograd.modes import Scope, current_scope, detect_anomaly, is_recording, no_grad, scope
from autograd.ops import OPS, Op, op_row
from autograd.scalar_view import scalar_view
from autograd.tensor import Tensor
from autograd.value import Value

__all__ = [
    "OPS",
    "BackwardEdge",
    "BackwardStep",
    "Gate",
    "GradcheckError",
    "Op",
    "Scope",
    "Tensor",
    "Value",
    "backward",
    "backward_steps",
    "current_scope",
    "detect_anomaly",
    "dot",
    "gate",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "gradients",
    "hessian",
    "hessian_vector_product",
    "is_recording",
    "maximum",
    "minimum",
    "no_grad",
    "numeric_gradient",
    "op_row",
    "scalar_view",
    "scope",
    "sum_values",
    "topological_order",
]
