"""The graph model: what a diagram shows (values, gates, input edges, groups), independent of style."""
