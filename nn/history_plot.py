"""``History.plot``: the loss and accuracy curves of a training run, drawn with matplotlib (an optional extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nn.train import History

PER = ("epoch", "iteration")


def plot_history(history: History, per: str = "epoch") -> Any:
    """A matplotlib Figure: loss on the left, accuracy on the right (if recorded), train and validation curves.

    ``per="iteration"`` draws each minibatch's value, with the epoch means (and the validation
    measures) at the last iteration of each epoch.
    """
    if per not in PER:
        raise ValueError(f"History.plot: per must be one of {PER}, got {per!r}")
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ModuleNotFoundError(
            "History.plot needs matplotlib, an optional extra: pip install 'gradtrace[plot]'"
        ) from None
    if not history.epochs:
        raise ValueError("History.plot: nothing to plot, the run has no finished epoch")
    panels = [("loss", history.train_loss, history.val_loss, history.batch_loss)]
    if history.train_accuracy:
        panels.append(("accuracy", history.train_accuracy, history.val_accuracy, history.batch_accuracy))
    figure, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 3.2), squeeze=False)
    epoch_ends = [epoch * history.iterations_per_epoch for epoch in history.epochs]
    for ax, (measure, train, validation, per_batch) in zip(axes[0], panels, strict=True):
        if per == "iteration":
            ax.plot(range(1, len(per_batch) + 1), per_batch, color="lightgrey", linewidth=1, label="train (batch)")
            xs: list[int] = epoch_ends
        else:
            xs = history.epochs
        ax.plot(xs, train, marker=".", label="train")
        if validation:
            ax.plot(xs, validation, marker=".", label="validation")
        ax.set_xlabel(per)
        ax.set_ylabel(measure)
        ax.set_title(f"{measure} per {per}")
        ax.legend()
    figure.tight_layout()
    return figure
