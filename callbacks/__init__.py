"""Keras callbacks that measure the training response while a model trains."""

from .response_probe import ResponseProbe

__all__ = ["ResponseProbe"]
