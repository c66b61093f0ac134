"""Keras callbacks that measure the training response while a model trains (the measurement itself is
in `training_response.response`, shared with the replication's ensemble engine)."""

from .response_probe import ResponseProbe

__all__ = ["ResponseProbe"]
