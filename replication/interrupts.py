"""Ctrl-C that stops the command line at a line of its own code, never inside TensorFlow.

Python runs a SIGINT handler wherever the interpreter next checks for signals, and TensorFlow's C++
checks for them, or calls back into Python, in the middle of its own work (converting a tensor, running
a function). A KeyboardInterrupt raised there is mishandled by that C++ code: the process dies with a
segmentation fault instead of reporting what finished. So an interrupt that arrives while TensorFlow or
Keras code runs is held, and raised at the next line this package runs; a second Ctrl-C raises at once.
"""

import contextlib
import importlib.util
import os
import signal
import sys
import threading

# This package's folders: replication/ and the probe's (callbacks/, imported as training_response).
_OURS = tuple(
    os.path.join(os.path.abspath(folder), "")
    for folder in [os.path.dirname(__file__), *importlib.util.find_spec("training_response").submodule_search_locations]
)
_HELD = {"pending": False, "trace": None}


def _ours(frame):
    return frame.f_code.co_filename.startswith(_OURS)


def _library_code_running(frame):
    """True when the innermost frame is not this package's and a caller is TensorFlow or Keras."""
    if _ours(frame):
        return False
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.split(".")[0] in ("tensorflow", "keras", "tf_keras"):
            return True
        frame = frame.f_back
    return False


def _release():
    """Ends a held interrupt: the thread's tracing is what it was before."""
    if _HELD["pending"]:
        _HELD["pending"] = False
        sys.settrace(_HELD["trace"])


def _raise_at_this_line(frame, event, arg):
    if event == "line" and _HELD["pending"]:
        _release()
        raise KeyboardInterrupt
    return _raise_at_this_line


def _untraced(frame, event, arg):
    return None  # new frames are not traced: only the callers waiting on the library are


def _on_signal(signum, frame):
    if _HELD["pending"] or frame is None or not _library_code_running(frame):
        _release()
        raise KeyboardInterrupt
    _HELD["pending"], _HELD["trace"] = True, sys.gettrace()
    caller = frame
    while caller is not None:
        if _ours(caller):
            caller.f_trace = _raise_at_this_line
        caller = caller.f_back
    sys.settrace(_untraced)  # line events reach a frame's f_trace only while the thread traces


@contextlib.contextmanager
def interrupts_outside_tensorflow(signum=signal.SIGINT):
    """Within: Ctrl-C (or the signal `signum`) raises KeyboardInterrupt only at a line of this package's
    code (in the main thread; elsewhere, as Python refuses a signal handler there, it is left as it was)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signum, _on_signal)
    try:
        yield
    finally:
        signal.signal(signum, previous)
        _release()
