"""Ctrl-C in the command line: held while TensorFlow or Keras code runs, raised at the next line of ours.

The end-to-end check (a real run stopped by SIGINT exits 130, no traceback, files whole) is in
test_reliability.py; these tests drive the handler with a stand-in for library code: a function whose
module is named like TensorFlow's and whose file is not this package's.
"""

import os
import signal
import sys

import pytest

from replication import interrupts
from replication.interrupts import interrupts_outside_tensorflow

LIBRARY_CODE = """
def work(log, signals=1):
    for _ in range(signals):
        signal.raise_signal(signal.SIGINT)
    log.append("library finished")
"""


def _library_function(name):
    namespace = {"__name__": name, "signal": signal}
    exec(compile(LIBRARY_CODE, "<library>", "exec"), namespace)
    return namespace["work"]


@pytest.fixture
def ours(monkeypatch):
    """This test file counts as the package's own code."""
    monkeypatch.setattr(interrupts, "_OURS", (os.path.join(os.path.dirname(os.path.abspath(__file__)), ""),))


def test_ctrl_c_inside_tensorflow_is_raised_at_the_next_line_of_ours(ours):
    log = []
    with interrupts_outside_tensorflow():
        with pytest.raises(KeyboardInterrupt):
            _library_function("tensorflow.python.stand_in")(log)
            log.append("next line of ours")
    assert log == ["library finished"]


def test_ctrl_c_in_our_code_or_other_libraries_is_raised_at_once(ours):
    for work in (_library_function("numpy.stand_in"), lambda log: signal.raise_signal(signal.SIGINT)):
        log = []
        with interrupts_outside_tensorflow():
            with pytest.raises(KeyboardInterrupt):
                work(log)
        assert log == []


def test_a_second_ctrl_c_is_raised_at_once(ours):
    log = []
    with interrupts_outside_tensorflow():
        with pytest.raises(KeyboardInterrupt):
            _library_function("keras.src.stand_in")(log, signals=2)
    assert log == []


def test_the_handler_and_tracing_are_restored_after(ours):
    before_handler, before_trace = signal.getsignal(signal.SIGINT), sys.gettrace()
    with interrupts_outside_tensorflow():
        with pytest.raises(KeyboardInterrupt):
            _library_function("tensorflow.stand_in")([])
            assert False, "not reached"
    assert signal.getsignal(signal.SIGINT) is before_handler and sys.gettrace() is before_trace
