"""Keras callbacks that measure the training response while a model trains."""

# First, before anything imports TensorFlow loudly: see quiet.py for why and how to see the messages.
from .quiet import load_tensorflow

load_tensorflow()

from .response_probe import ResponseProbe  # noqa: E402

__all__ = ["ResponseProbe"]
