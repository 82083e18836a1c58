"""The step-through player: frames as data, one laid-out stage, the HTML page."""

from viz.player.player import Player, backprop_steps, forward_steps

__all__ = ["Player", "backprop_steps", "forward_steps"]
