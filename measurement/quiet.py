"""Load TensorFlow without the start-up banners its C++ libraries print to stderr.

Importing TensorFlow writes lines such as "All log messages before absl::InitializeLog() is called are
written to STDERR", "oneDNN custom operations are on", "Could not find cuda drivers" and
"cpu_feature_guard ...", and the first look at the devices adds "failed call to cuInit". Users of the
probe and of the command line read them as errors, yet they describe a working CPU install. Several are
printed before absl reads TF_CPP_MIN_LOG_LEVEL, so that variable cannot silence them, and they come from
C++, so replacing `sys.stderr` cannot either: only file descriptor 2 itself can. `load_tensorflow` points
it at a temporary file while TensorFlow loads and lists its devices, then puts the original back, and
sets TF_CPP_MIN_LOG_LEVEL=1 (unless set) for the INFO lines that come later.

When TensorFlow is already loaded (a script that imports keras first), the banners are out, and the
variable, which TensorFlow's C++ log (Abseil's) reads once as its library loads, can no longer hide the INFO
lines of the first XLA compilation ("XLA service ... initialized for platform Host", "StreamExecutor
[0]: Host", "Compiled cluster using XLA!"). `first_call` then wraps the probe's compiled measurement so
that its first call, the one that compiles, writes to stderr every line but C++ INFO lines; the user's
own process-wide log level is left as it is.

Nothing that matters is hidden: if the import fails, the captured text is written to stderr before the
error propagates; TRAINING_RESPONSE_VERBOSE=1 (what the command line's --verbose sets) turns the
redirection off; and `captured()` returns what was held back, for a caller that learns of a wish for
verbosity only after the import (the installed `training-response` command parses its arguments after
the package, and so TensorFlow, is loaded). Python-level output during the import (warnings written to
`sys.stderr`) also goes to fd 2 and is held back with the rest.
"""

import os
import re
import sys
import tempfile

VERBOSE = "TRAINING_RESPONSE_VERBOSE"

_held = []  # the text captured by load_tensorflow, for captured()
_info_may_show = False  # True: TensorFlow was loaded before the package, so the variable came too late
# A C++ INFO line: Abseil's "I0000 00:00:1796658662.586438    2706 service.cc:153] ..." (I, month, day) or
# the older TensorFlow's "2024-03-05 12:00:00.123456: I tensorflow/...".
INFO_LINE = re.compile(rb"(I\d{4} |\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: I )")


def verbose():
    """True when the user asked to see TensorFlow's own messages."""
    return os.environ.get(VERBOSE, "") not in ("", "0")


def load_tensorflow():
    """Import TensorFlow and list its devices with fd 2 pointing at a temporary file.

    Does nothing if verbosity is asked for. If TensorFlow is already imported (its banners are out: the
    user loaded it), only notes that its later C++ INFO lines may show (`first_call`). A failed import
    writes the captured text to stderr and re-raises.
    """
    if verbose():
        return
    if "tensorflow" in sys.modules:
        global _info_may_show
        _info_may_show = True
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


def first_call(fn):
    """`fn` itself, unless TensorFlow was loaded before the package (`load_tensorflow`): then `fn` whose
    first call (the one that XLA-compiles) runs with fd 2 held back in a temporary file; every
    line it held that is not a C++ INFO line ("I0000 ...") is then written to stderr (warnings, errors,
    Python output), in order, also if the call fails. Later calls run `fn` directly."""
    if not _info_may_show or verbose():
        return fn
    called = []

    def call(*args, **kwargs):
        if called:
            return fn(*args, **kwargs)
        called.append(True)
        return without_info_lines(fn, *args, **kwargs)

    return call


def without_info_lines(fn, *args, **kwargs):
    """`fn(*args, **kwargs)` with fd 2 held back, then written to stderr without its C++ INFO lines."""
    result = []
    with tempfile.TemporaryFile() as sink:
        try:
            _with_stderr_into(sink, lambda: result.append(fn(*args, **kwargs)))
        finally:
            sink.seek(0)
            kept = b"".join(line for line in sink.read().splitlines(keepends=True) if not INFO_LINE.match(line))
            if kept:
                sys.stderr.flush()
                _write_all(2, kept)
    return result[0]


def _write_all(fd, data):
    while data:
        data = data[os.write(fd, data) :]


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
