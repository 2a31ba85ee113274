"""The pipeline: runs the models in order and assembles an :class:`Assessment`."""
