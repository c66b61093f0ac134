"""The training response of Keras models: its measurement (`response`, `features`, `optimizer_step`),
records (`record`, `plot`), the ResponseProbe callback (`callbacks`), and the replication of the papers
(`replication`, `data`)."""

# First, before anything imports TensorFlow loudly: see quiet.py for why and how to see the messages.
from .quiet import load_tensorflow

load_tensorflow()

from .callbacks import ResponseProbe  # noqa: E402

__all__ = ["ResponseProbe"]
