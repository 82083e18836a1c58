"""The training theatre: watch a network learn (``fit(..., watch=True)``) and replay a recorded run.

``training_replay(history)`` replays a run recorded with ``fit(..., record=True)``; the live
panel (``viz.training.live``) is what ``watch=True`` shows. Both draw the same four panels
(``viz.training.panels``) on one stage (``viz.training.stage``).
"""

from viz.training.replay import TrainingReplay, training_replay

__all__ = ["TrainingReplay", "training_replay"]
