"""Load TensorFlow without the start-up banners its C++ libraries print to stderr.

Importing TensorFlow writes lines such as "All log messages before absl::InitializeLog() is called are
written to STDERR", "oneDNN custom operations are on", "Could not find cuda drivers" and
"cpu_feature_guard ...", and the first look at the devices adds "failed call to cuInit". Users of the
probe and of the command line read them as errors, yet they describe a working CPU install. Several are
printed before absl reads TF_CPP_MIN_LOG_LEVEL, so that variable cannot silence them, and they come from
C++, so replacing `sys.stderr` cannot either: only file descriptor 2 itself can. `load_tensorflow` points
it at a temporary file while TensorFlow loads and lists its devices, then puts the original back, and
sets TF_CPP_MIN_LOG_LEVEL=1 (unless set) for the INFO lines that come later.

Nothing that matters is hidden: if the import fails, the captured text is written to stderr before the
error propagates; TRAINING_RESPONSE_VERBOSE=1 (what the command line's --verbose sets) turns the
redirection off; and `captured()` returns what was held back, for a caller that learns of a wish for
verbosity only after the import (the installed `training-response` command parses its arguments after
the package, and so TensorFlow, is loaded). Python-level output during the import (warnings written to
`sys.stderr`) also goes to fd 2 and is held back with the rest.
"""

import os
import sys
import tempfile

VERBOSE = "TRAINING_RESPONSE_VERBOSE"

_held = []  # the text captured by load_tensorflow, for captured()


def verbose():
    """True when the user asked to see TensorFlow's own messages."""
    return os.environ.get(VERBOSE, "") not in ("", "0")


def load_tensorflow():
    """Import TensorFlow and list its devices with fd 2 pointing at a temporary file.

    Does nothing if TensorFlow is already imported (its banners are out, or the user loaded it) or if
    verbosity is asked for. A failed import writes the captured text to stderr and re-raises.
    """
    if "tensorflow" in sys.modules or verbose():
        return
    # INFO lines logged later (e.g. "XLA service ... initialized" at the first compiled measurement) obey
    # the variable; warnings and errors stay visible. A value the user set is kept.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    with tempfile.TemporaryFile() as sink:
        try:
            _with_stderr_into(sink, _import_and_find_devices)
        except BaseException:
            sys.stderr.write(_read(sink))
            raise
        _held.append(_read(sink))


def hide_internal_warnings():
    """Unless verbosity is asked for: TensorFlow's Python warnings about its own internals (e.g.
    "Conv2DBackpropFilter uses a while_loop" while the engine vectorizes over replicas) say nothing about
    the user's run, so its logger shows errors only."""
    if not verbose():
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")


def captured():
    """What load_tensorflow held back from stderr ("" if it did not run or captured nothing)."""
    return "".join(_held)


def _import_and_find_devices():
    import tensorflow as tf

    tf.config.list_physical_devices()  # prints the cuInit failure now, inside the redirection, not at first use


def _with_stderr_into(sink, action):
    """Run `action` with fd 2 duplicated from `sink`, restoring the original descriptor afterwards."""
    sys.stderr.flush()  # text Python buffered before the redirection belongs to the real stderr
    original = os.dup(2)
    try:
        os.dup2(sink.fileno(), 2)
        try:
            action()
        finally:
            sys.stderr.flush()  # and text buffered during it belongs to the sink
            os.dup2(original, 2)
    finally:
        os.close(original)


def _read(sink):
    sink.seek(0)
    return sink.read().decode(errors="replace")
