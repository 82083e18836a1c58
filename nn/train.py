"""``fit``: minibatch training with an optional validation pass each epoch, returning a ``History``.

Vocabulary as in the course notes: an *epoch* is one pass over the training set; it is cut into
*batches* of ``batch_size`` examples; each batch is one *iteration* (forward, backward, update).
1,000 examples in batches of 100 take 10 iterations per epoch.
"""

from __future__ import annotations

import dataclasses
import gc
import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np

from autograd import Tensor, Value, no_grad
from nn.checks import check_callable, check_count, check_flag, check_real
from nn.data import Dataset, batches_per_epoch, minibatches
from nn.init import SeedLike, make_rng
from nn.losses import l2_regularization, numeric_targets
from nn.matrix import l2_penalty
from nn.optim import Optimizer
from nn.schedules import LRSchedule
from nn.theatre import Recording, Theatre

Output = Value | list[Value]
LossFunction = Callable[[list[Output], np.ndarray], Value]
Outputs = list[Output] | Tensor
"""A batch's outputs: one per example on the scalar path, a Tensor (one row per example) on the matrix path."""
Decide = Callable[[Output], float]


class Model(Protocol):
    """What ``fit`` needs from a model: a call on one input vector, its parameters, and train/eval mode."""

    def __call__(self, xs: Sequence[float]) -> Output: ...

    def parameters(self) -> list[Value]: ...

    def train(self, mode: bool = True) -> Any: ...


@dataclasses.dataclass
class History:
    """Per-epoch and per-iteration records of one ``fit`` run, ready to plot (``plot()``).

    Per epoch (lists indexed by epoch − 1): ``train_loss`` is the mean data loss over the epoch's
    examples (without the L2 penalty, so it compares with ``val_loss``); ``train_accuracy`` is
    measured on the same forward passes. ``val_loss`` / ``val_accuracy`` are empty without
    validation data; accuracies are empty with ``classify=False``. ``learning_rate`` is the rate
    used during the epoch. Per iteration (indexed by iteration − 1): ``batch_loss`` and
    ``batch_accuracy``, the same measures on each minibatch. ``interrupted``: training was stopped
    by Ctrl-C while watched or recorded (the model holds its last completed update);
    ``recording``: with ``record``, the snapshots ``viz.training_replay`` replays (``nn.theatre``).
    """

    examples: int
    batch_size: int
    iterations_per_epoch: int
    iterations: int = 0
    epochs: list[int] = dataclasses.field(default_factory=list)
    learning_rate: list[float] = dataclasses.field(default_factory=list)
    train_loss: list[float] = dataclasses.field(default_factory=list)
    train_accuracy: list[float] = dataclasses.field(default_factory=list)
    val_loss: list[float] = dataclasses.field(default_factory=list)
    val_accuracy: list[float] = dataclasses.field(default_factory=list)
    batch_loss: list[float] = dataclasses.field(default_factory=list)
    batch_accuracy: list[float] = dataclasses.field(default_factory=list)
    interrupted: bool = False
    recording: Recording | None = dataclasses.field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """Every field as plain Python data (for JSON or plotting); not the recording (it holds the model)."""
        fields = [field.name for field in dataclasses.fields(self) if field.name != "recording"]
        return {name: list(value) if isinstance(value, list) else value
                for name, value in ((name, getattr(self, name)) for name in fields)}

    def describe_epoch(self, index: int = -1) -> str:
        """One line for the epoch at ``index``, e.g. ``epoch   3  loss 0.2513  acc  88.3%  val acc  90.0%``."""
        epoch = self.epochs[index]
        parts = [f"epoch {epoch:>3}", f"loss {self.train_loss[index]:.4f}"]
        if self.train_accuracy:
            parts.append(f"acc {100 * self.train_accuracy[index]:5.1f}%")
        if self.val_loss:
            parts.append(f"val loss {self.val_loss[index]:.4f}")
        if self.val_accuracy:
            parts.append(f"val acc {100 * self.val_accuracy[index]:5.1f}%")
        return "  ".join(parts)

    def plot(self, per: str = "epoch") -> Any:
        """Loss and (when recorded) accuracy curves, train and validation, per ``"epoch"`` or ``"iteration"``.

        Returns the matplotlib ``Figure`` (matplotlib is an optional extra: ``pip install 'gradtrace[plot]'``).
        Per iteration, the epoch means are drawn at the iteration that ends each epoch.
        """
        from nn.history_plot import plot_history

        return plot_history(self, per)


class LabelDecider:
    """The default rule turning one model output into a predicted label, chosen from the target convention.

    A list of outputs → the index of the largest (class scores or logits). A single output s →
    +1 / −1 by the sign of s when the targets use −1 / +1 (hinge losses), else 1 if s > 0 else 0
    (a logit). For probability outputs (a sigmoid last layer) pass your own, e.g. ``lambda p: p.data > 0.5``.
    ``on_array`` applies the same rule to a matrix path's outputs (one row, or one number, per example).

    >>> decide = LabelDecider(np.array([-1.0, 1.0]))
    >>> decide(Value(0.3)), decide.on_array(np.array([0.3, -2.0])).tolist()
    (1.0, [1.0, -1.0])
    """

    def __init__(self, targets: np.ndarray) -> None:
        signed = targets.size > 0 and float(np.min(targets)) < 0.0
        self.negative = -1.0 if signed else 0.0

    def __call__(self, output: Output) -> float:
        if isinstance(output, Value):
            return 1.0 if output.data > 0.0 else self.negative
        scores = [v.data for v in output]
        return float(max(range(len(scores)), key=scores.__getitem__))

    def on_array(self, outputs: np.ndarray) -> np.ndarray:
        """The labels of a batch of outputs: the first largest score per row, or the sign rule per number."""
        labels: np.ndarray
        if outputs.ndim == 2:
            labels = np.argmax(outputs, axis=1).astype(np.float64)
            return labels
        labels = np.where(outputs > 0.0, 1.0, self.negative)
        return labels


def label_decider(targets: np.ndarray) -> Decide:
    """The default ``decide`` for ``targets`` (a ``LabelDecider``)."""
    return LabelDecider(targets)


def _true_labels(targets: np.ndarray) -> np.ndarray:
    """Class labels from targets: one-hot rows give their argmax, labels stay as they are."""
    return np.argmax(targets, axis=1) if targets.ndim == 2 else targets


def _correct(outputs: Outputs, targets: np.ndarray, decide: Decide) -> int:
    if isinstance(outputs, Tensor):
        return int(np.sum(decided_rows(outputs.data, decide) == _true_labels(targets)))
    return int(np.sum(_checked_labels([decide(output) for output in outputs]) == _true_labels(targets)))


def _checked_labels(labels: list[object]) -> np.ndarray:
    """``decide``'s labels as floats, or ``TypeError`` naming the first that is not a number."""
    for index, label in enumerate(labels):
        if not isinstance(label, numbers.Real | np.number):  # "1" would pass numpy's conversion below
            raise TypeError(
                f"decide must return a class label (a number), got {type(label).__name__} {label!r} for output {index}"
            )
    return np.array(labels, dtype=np.float64)


def decided_rows(outputs: np.ndarray, decide: Decide) -> np.ndarray:
    """A matrix path's outputs (one row, or one number, per example) decided: by the rule on the array, or (a
    custom ``decide``) row by row as Values.

    >>> decided_rows(np.array([0.3, -2.0]), LabelDecider(np.array([-1.0, 1.0]))).tolist()
    [1.0, -1.0]
    """
    if isinstance(decide, LabelDecider):
        return decide.on_array(outputs)
    rows: list[Output] = [
        [Value(float(x)) for x in row] if outputs.ndim == 2 else Value(float(row)) for row in outputs
    ]
    return _checked_labels([decide(row) for row in rows])


def evaluate(
    model: Model, loss: LossFunction, data: Dataset, decide: Decide | None = None, *, matrix: bool = False
) -> tuple[float, float]:
    """(mean loss, accuracy) of ``model`` on ``data``, in evaluation mode and without recording a graph.

    ``matrix=True`` runs the model and the loss on the matrix path (``model(Tensor(X))``)."""
    inputs, targets = checked_dataset(data, "evaluate", "data")
    chooser = decide or label_decider(targets)
    was_training = getattr(model, "training", True)
    model.train(False)
    try:
        with no_grad():
            outputs = run_batch(model, inputs, matrix)
            value = float(loss_value(loss, outputs, targets).data)
    finally:
        model.train(was_training)
    return value, _correct(outputs, targets, chooser) / len(inputs)


def run_batch(model: Model, inputs: np.ndarray, matrix: bool) -> Outputs:
    """The model's outputs for the rows of ``inputs``: one Tensor on the matrix path, else one output per row."""
    if matrix:
        return model(Tensor(inputs, label="X", constant=True))  # type: ignore[arg-type,return-value]
    return forward_batch(model, inputs.tolist())


def matrix_capable(model: object, loss: object) -> bool:
    """True when ``fit`` can train on the matrix path: an ``nn`` model (it has ``forward_matrix``) and a loss of
    ``nn.losses`` (which all take Tensors). A loss of your own runs on the scalar path unless ``matrix=True``."""
    inner = getattr(loss, "func", loss)  # a functools.partial of a loss
    return hasattr(model, "forward_matrix") and getattr(inner, "__module__", None) in ("nn.losses", "nn.matrix_losses")


def loss_value(loss: LossFunction, outputs: Outputs, targets: np.ndarray) -> Value | Tensor:
    """``loss(outputs, targets)``, or ``TypeError`` if it is not a ``Value`` (a float has no graph to train through);
    on the matrix path, a one-element ``Tensor``."""
    value: object = loss(outputs, targets)  # type: ignore[arg-type]
    if isinstance(value, Tensor) and value.size == 1:
        return value
    if not isinstance(value, Value):
        raise TypeError(
            f"loss must return a Value (the graph backward() runs through), got {type(value).__name__} {value!r}: "
            "build it from the outputs' Values, e.g. nn.mse"
        )
    return value


def forward_batch(model: Model, rows: list[list[float]]) -> list[Output]:
    """The model's output for each row: through ``forward_batch`` when the model has one (an ``nn`` Module, so a
    ``BatchNorm`` inside sees the whole batch), else one call per row."""
    batch = getattr(model, "forward_batch", None)
    return batch(rows) if batch is not None else [model(row) for row in rows]


def checked_dataset(data: object, owner: str, argument: str, features: int | None = None) -> tuple[np.ndarray, Any]:
    """(X as float64, y as numbers) of a ``Dataset(X, y)``, or an error naming ``argument`` and the problem.

    ``features``: the column count X must have (the training data's, for validation data).
    """
    if not isinstance(data, tuple) or len(data) != 2:
        raise TypeError(f"{owner}: {argument} must be a Dataset(X, y), got {type(data).__name__}")
    try:
        inputs = np.asarray(data[0], dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}: {argument}.X must be numbers (examples × features)") from None
    targets = numeric_targets(data[1], f"{owner}: {argument}.y")
    if inputs.ndim != 2 or len(inputs) != len(targets) or len(inputs) == 0:
        raise ValueError(
            f"{owner}: {argument} must be a non-empty Dataset(X, y) with one target per row of X, "
            f"got X of shape {inputs.shape}, y {targets.shape}"
        )
    if features is not None and inputs.shape[1] != features:
        raise ValueError(f"{owner}: {argument} has {inputs.shape[1]} features per row, the training data {features}")
    if not np.all(np.isfinite(inputs)):
        row, column = (int(i) for i in np.argwhere(~np.isfinite(inputs))[0])
        raise ValueError(f"{owner}: {argument}.X[{row}, {column}] is not finite")
    return inputs, np.asarray(data[1]) if np.asarray(data[1]).dtype.kind in "biuf" else targets


def _check_model(model: object) -> None:
    if not (callable(model) and all(callable(getattr(model, method, None)) for method in ("parameters", "train"))):
        raise TypeError(
            "fit: model must be a model such as nn.MLP(2, [16, 1]) (called on one row, with parameters() and train()), "
            f"got {type(model).__name__}"
        )


def _check_batch_rows(model: Model, examples: int, batch_size: int, drop_last: bool) -> None:
    """Refuse a batch smaller than a module can train on (``min_training_rows``: 2 for ``BatchNorm``) before any
    update: the last batch of an epoch holds the rows left over (``examples`` mod ``batch_size``)."""
    left = 0 if drop_last else examples % batch_size
    smallest = min(batch_size, examples) if left == 0 else left
    for module in getattr(model, "modules", list)():
        needed = getattr(module, "min_training_rows", 1)
        if smallest >= needed:
            continue
        culprit = f"{type(module).__name__} {module.name!r}" if module.name else type(module).__name__
        if smallest == batch_size:
            raise ValueError(f"fit: {culprit} needs at least {needed} rows per batch, batch_size is {smallest}")
        raise ValueError(
            f"fit: {culprit} needs at least {needed} rows per training batch, but the last batch of each epoch has "
            f"{smallest} ({examples} examples in batches of {batch_size}): pass drop_last=True, or another batch_size"
        )


def _check_training_parts(model: Model, loss: object, optimizer: object, schedule: object) -> None:
    check_callable(loss, "loss", "fit", "loss(outputs, targets), such as nn.mse,")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "fit: optimizer must be an nn.optim Optimizer, e.g. SGD(model.parameters(), lr=0.1), "
            f"got {type(optimizer).__name__}"
        )
    owned = {id(p) for p in model.parameters()}
    if not any(id(p) in owned for p in optimizer.parameters):
        raise ValueError(
            "fit: the optimizer holds none of this model's parameters, so training would change nothing: "
            "was it built for another model? Build it from this one: SGD(model.parameters(), ...)"
        )
    if schedule is not None:
        if not isinstance(schedule, LRSchedule):
            raise TypeError(f"fit: schedule must be an LRSchedule such as StepDecay, got {type(schedule).__name__}")
        if schedule.optimizer is not optimizer:
            raise ValueError("fit: the schedule drives another optimizer than the one fit updates")


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Turn Python's cyclic garbage collector off inside the block, and restore its previous state on every way out.

    The engine's graphs hold no reference cycles (parents point to children only), so reference
    counting frees them; the collector would only walk the many live nodes of each graph.
    ``benchmarks/fit_gc.py`` measures the gain per training step. The switch is the process's
    (``gc.disable``): other threads' cyclic garbage also waits until the block ends.

    >>> with cyclic_gc_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _progress_bar(total: int, quiet: bool) -> Any:
    """A tqdm bar, or None when quiet or when tqdm (an optional extra) is not installed.

    ``tqdm.auto`` picks the notebook widget inside Jupyter and the text bar in a terminal.
    """
    if quiet:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="batch")


def fit(
    model: Model,
    loss: LossFunction,
    optimizer: Optimizer,
    data: Dataset,
    epochs: int,
    batch_size: int | None = None,
    *,
    validation: Dataset | None = None,
    shuffle: bool = True,
    seed: SeedLike = 0,
    drop_last: bool = False,
    l2: float = 0.0,
    schedule: LRSchedule | None = None,
    classify: bool = True,
    decide: Decide | None = None,
    quiet: bool = False,
    on_epoch: Callable[[History], None] | None = None,
    matrix: bool | None = None,
    watch: bool = False,
    record: bool | int = False,
    watch_sample: int | None = None,
) -> History:
    """Train ``model`` for ``epochs`` epochs of minibatches and return the ``History``.

    Each iteration: forward every example of the batch, ``loss(outputs, targets)`` (plus the
    penalty λ/(2m)·Σθ² with λ = ``l2`` and m the batch size), ``optimizer.zero_grad()``,
    ``backward()``, ``optimizer.step()``. ``batch_size=None`` is full-batch training. After each
    epoch: ``schedule.step()``, the validation pass (if ``validation``), then ``on_epoch(history)``.
    Shuffling draws from ``seed``, so the same seed and initial weights give a bit-identical history.
    A progress bar (tqdm, if installed) shows the running loss unless ``quiet``. Accuracy uses
    ``decide`` (default ``label_decider``); ``classify=False`` skips it (regression).

    The training theatre (``nn.theatre``, drawn by ``viz.training``): ``watch=True`` shows a live
    panel in a notebook (the curves, the decision boundary of 2-D inputs, the network, and the graph
    of training example ``watch_sample``, default 0, with its values and gradients), the progress bar
    elsewhere; ``record=True`` (or a number of snapshots) keeps ~50 evenly spaced snapshots of the
    parameters in ``history.recording`` for ``viz.training_replay(history)``. A watched run that ends
    before the panel's layout is in returns at once; its final frame follows when the layout arrives
    (``viz.training.live.wait_for_final_frames`` waits for it). Watched or recorded,
    Ctrl-C stops training after the update in progress and ``fit`` returns the history so far
    (``history.interrupted``).

    ``matrix``: each batch as one matrix computation (``model(Tensor(X))``, ``nn.matrix``), many times faster
    with the same numbers (the History agrees with the scalar run's to rounding); by default whenever
    ``matrix_capable(model, loss)``; ``matrix=False`` forces the scalar path, ``matrix=True`` the matrix path.

    Everything is checked before the first update: the arguments, and the loss itself on all the
    training and validation data once (without a graph), so a label or an output the loss refuses
    raises then, whichever batch it is in; so is a batch too small for a module (a ``BatchNorm`` and a
    last batch of one row). Raises ``FloatingPointError`` naming the epoch and iteration if the loss
    stops being finite, and after the last update if a weight, or the loss on the last batch, is not
    finite any more.

    The cyclic garbage collector is paused during training (``cyclic_gc_paused``), for the whole
    process: cycles other threads make meanwhile are collected only when ``fit`` returns.

    >>> from nn.data import make_xor
    >>> from nn.layers import MLP
    >>> from nn.losses import binary_hinge
    >>> from nn.optim import SGD
    >>> model = MLP(2, [8, 1], seed=0)
    >>> xor = make_xor(40, seed=0)
    >>> signed = Dataset(xor.X, 2 * xor.y - 1)
    >>> history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), signed, epochs=3, batch_size=10, quiet=True)
    >>> history.epochs, history.iterations_per_epoch, history.iterations
    ([1, 2, 3], 4, 12)
    """
    _check_model(model)
    inputs, y = checked_dataset(data, "fit", "data")
    if validation is not None:
        checked_dataset(validation, "fit", "validation", features=inputs.shape[1])
    epochs = check_count(epochs, "epochs", "fit", 0)
    size = len(inputs) if batch_size is None else check_count(batch_size, "batch_size", "fit")
    shuffle, drop_last, classify, quiet = (
        check_flag(value, name, "fit")
        for value, name in ((shuffle, "shuffle"), (drop_last, "drop_last"), (classify, "classify"), (quiet, "quiet"))
    )
    per_epoch = batches_per_epoch(len(inputs), size, drop_last)
    if per_epoch == 0:
        raise ValueError(f"fit: drop_last with batch_size {size} > {len(inputs)} examples leaves no batch")
    _check_batch_rows(model, len(inputs), size, drop_last)
    strength = check_real(l2, "l2", "fit")
    _check_training_parts(model, loss, optimizer, schedule)
    if decide is not None:
        check_callable(decide, "decide", "fit", "decide(output) -> label")
    if on_epoch is not None:
        check_callable(on_epoch, "on_epoch", "fit", "on_epoch(history)")
    if matrix is not None and not isinstance(matrix, bool):
        raise TypeError(f"fit: matrix must be True, False or None, got {matrix!r}")
    if matrix and not hasattr(model, "forward_matrix"):
        raise ValueError(f"fit: matrix=True needs an nn model (one with forward_matrix), got {type(model).__name__}")
    on_matrix = matrix_capable(model, loss) if matrix is None else matrix
    try:
        rng = make_rng(seed)
    except (TypeError, ValueError) as error:
        raise type(error)(f"fit: {error}") from None
    history = History(examples=len(inputs), batch_size=size, iterations_per_epoch=per_epoch)
    chooser = decide or label_decider(y)
    theatre = Theatre.build(watch=watch, record=record, watch_sample=watch_sample, model=model, loss=loss,
                            data=Dataset(inputs, y), validation=validation, decide=chooser, classify=classify,
                            total_iterations=epochs * per_epoch)
    _preflight(model, loss, Dataset(inputs, y), "training data", chooser, on_matrix)
    if validation is not None:
        _preflight(model, loss, validation, "validation data", chooser, on_matrix)
    parameters = model.parameters()
    bar = _progress_bar(epochs * per_epoch, quiet or theatre.replaces_progress_bar)
    last_batch = None
    interrupted = False
    try:
        with cyclic_gc_paused():
            theatre.starting(history)
            for epoch in range(1, epochs + 1):
                last_batch = _train_epoch(model, loss, optimizer, Dataset(inputs, y), history, epoch, bar, _EpochPlan(
                    size, shuffle, rng, drop_last, strength, parameters, chooser if classify else None, on_matrix,
                    theatre,
                ))  # fmt: skip
                if schedule is not None:
                    schedule.step()
                if validation is not None:
                    val_loss, val_accuracy = evaluate(model, loss, validation, chooser, matrix=on_matrix)
                    history.val_loss.append(val_loss)
                    if classify:
                        history.val_accuracy.append(val_accuracy)
                if on_epoch is not None:
                    on_epoch(history)
        if last_batch is not None:
            _check_last_update(model, loss, last_batch, parameters, history, on_matrix)
    except KeyboardInterrupt:
        if not theatre.catches_interrupt:
            raise
        interrupted = True
    finally:
        if bar is not None:
            bar.close()
    theatre.finished(history, interrupted)
    return history


@dataclasses.dataclass
class _EpochPlan:
    """How ``fit`` cuts and trains one epoch (its arguments, checked)."""

    batch_size: int
    shuffle: bool
    rng: np.random.Generator
    drop_last: bool
    l2: float
    parameters: list[Value]
    decide: Decide | None
    matrix: bool
    theatre: Theatre


def _train_epoch(
    model: Model,
    loss: LossFunction,
    optimizer: Optimizer,
    data: Dataset,
    history: History,
    epoch: int,
    bar: Any,
    plan: _EpochPlan,
) -> Dataset:
    """One epoch of updates; returns its last batch (``fit`` checks the last update on it)."""
    history.learning_rate.append(optimizer.lr)
    model.train(True)
    loss_sum = 0.0
    correct = seen = 0
    batches = minibatches(data, plan.batch_size, shuffle=plan.shuffle, seed=plan.rng, drop_last=plan.drop_last)
    for batch in batches:
        outputs = run_batch(model, batch.X, plan.matrix)
        data_loss = loss_value(loss, outputs, batch.y)
        number = float(data_loss.data)
        if not math.isfinite(number):
            raise FloatingPointError(
                f"fit: the loss is {number} at epoch {epoch}, iteration {history.iterations + 1}"
                f"{_nan_hint(history)}"
            )
        penalty = l2_penalty if plan.matrix else l2_regularization
        objective = data_loss + penalty(plan.parameters, plan.l2, len(outputs)) if plan.l2 else data_loss
        optimizer.zero_grad()
        objective.backward()
        with plan.theatre.updating():  # Ctrl-C waits for the update and its record
            optimizer.step()
            history.iterations += 1
            seen += len(outputs)
            loss_sum += number * len(outputs)
            history.batch_loss.append(number)
            if plan.decide is not None:
                right = _correct(outputs, batch.y, plan.decide)
                correct += right
                history.batch_accuracy.append(right / len(outputs))
        if bar is not None:
            bar.update(1)
            bar.set_postfix(epoch=epoch, loss=f"{loss_sum / seen:.4f}", refresh=False)
        plan.theatre.updated(history)
    history.epochs.append(epoch)
    history.train_loss.append(loss_sum / seen)
    if plan.decide is not None:
        history.train_accuracy.append(correct / seen)
    return batch


def _check_last_update(
    model: Model, loss: LossFunction, batch: Dataset, parameters: list[Value], history: History, matrix: bool
) -> None:
    """After the last update as after the others: every update but the last is checked by the next batch's loss;
    the last one by the weights themselves and the loss on its batch (evaluation mode, no graph)."""
    where = f"after the last update (epoch {history.epochs[-1]}, iteration {history.iterations})"
    hint = _nan_hint(history)
    for parameter in parameters:
        if not math.isfinite(parameter.data):
            raise FloatingPointError(f"fit: {parameter.label or 'a parameter'} is {parameter.data} {where}{hint}")
    value, _ = evaluate(model, loss, batch, matrix=matrix)
    if not math.isfinite(value):
        raise FloatingPointError(f"fit: the loss on the last batch is {value} {where}{hint}")


def _preflight(model: Model, loss: LossFunction, data: Dataset, what: str, decide: Decide, matrix: bool) -> None:
    """Evaluate the loss on all of ``data`` once (no graph, evaluation mode), so that a label the loss refuses or
    an output it cannot take raises before the first update, whichever batch it sits in."""
    value, _ = evaluate(model, loss, data, decide, matrix=matrix)
    if not math.isfinite(value):
        raise FloatingPointError(
            f"fit: the loss on the {what} is {value} before any update: the initial model's outputs or the "
            "targets give a non-finite loss"
        )


def _nan_hint(history: History) -> str:
    if history.iterations == 0:  # no update has happened: the model or the loss gives it from the start
        return " before any update: the initial model's outputs or the targets give a non-finite loss"
    return " (a smaller learning rate or standardised inputs usually help)"
