"""user_warning.warn attributes a warning to the user's code: the line that called `model.fit(...)` when the
package warns from inside a fit, the user's own callback or function when that called the package, never a
frame of Keras, TensorFlow or the package itself; the usual warning filters and tools still apply.

The package's own code is stood in for by functions compiled under a file name in the package's callbacks
folder (what the probe's methods are), so the tests hold before and after the probe itself uses `warn`.
"""

import inspect
import os
import textwrap
import warnings

import keras
import numpy as np
import pytest
import training_response.callbacks
from training_response import user_warning
from training_response.user_warning import warn

STAND_IN = """
class Probe(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        warn(f"probe says: epoch {epoch}")


def probe_method():
    warn("probe method says")


def probe_method_warning_instance():
    warn(RuntimeWarning("an instance"), UserWarning)
"""


def in_package(source=STAND_IN):
    """The names `source` defines, compiled as if it were a module of the package's callbacks folder."""
    path = os.path.join(os.path.dirname(training_response.callbacks.__file__), "_stand_in_probe.py")
    namespace = {"__name__": "training_response.callbacks._stand_in_probe", "keras": keras, "warn": warn}
    exec(compile(textwrap.dedent(source), path, "exec"), namespace)
    return namespace


def tiny_model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def here():
    """The line number of the caller's line."""
    return inspect.currentframe().f_back.f_lineno


def test_a_warning_from_a_callback_during_fit_points_at_the_fit_line():
    model, probe = tiny_model(), in_package()["Probe"]()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_line = here() + 1
        model.fit(np.zeros((2, 2)), np.zeros((2, 1)), epochs=2, verbose=0, callbacks=[probe])
    assert [str(w.message) for w in caught] == ["probe says: epoch 0", "probe says: epoch 1"]
    assert {(w.filename, w.lineno, w.category) for w in caught} == {(__file__, fit_line, UserWarning)}


def test_a_users_own_callback_that_calls_the_package_is_where_the_warning_points():
    probe_method = in_package()["probe_method"]
    lines = []

    class Mine(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            lines.append(here() + 1)
            probe_method()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tiny_model().fit(np.zeros((2, 2)), np.zeros((2, 1)), epochs=1, verbose=0, callbacks=[Mine()])
    assert [(w.filename, w.lineno, str(w.message)) for w in caught] == [(__file__, lines[0], "probe method says")]


def test_the_default_filter_shows_it_once_per_location_and_other_filters_apply():
    probe_method = in_package()["probe_method"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(3):
            probe_method()  # one location, three calls: shown once
        probe_method()  # another location: shown again
    assert len(caught) == 2 and caught[0].lineno != caught[1].lineno
    assert all(w.filename == __file__ for w in caught)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("once")
        probe_method()
        probe_method()  # same text elsewhere: not shown again
    assert len(caught) == 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", module=__name__)  # the user's module, not the package's
        probe_method()
    assert caught == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="probe method says"):
            probe_method()


def test_pytest_warns_catches_it_and_a_warning_instance_keeps_its_class():
    stand_in = in_package()
    with pytest.warns(UserWarning, match="probe method says") as caught:
        line = here() + 1
        stand_in["probe_method"]()
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)
    with pytest.warns(RuntimeWarning, match="an instance"):
        stand_in["probe_method_warning_instance"]()


def test_when_every_frame_is_internal_the_direct_caller_is_named(monkeypatch):
    monkeypatch.setattr(user_warning, "_first_outside", lambda frame, folders: None)
    with pytest.warns(UserWarning) as caught:
        in_package()["probe_method"]()
    assert caught[0].filename.endswith("_stand_in_probe.py") and caught[0].lineno == 8


def test_the_folders_are_keras_tensorflow_and_each_folder_of_the_package():
    import tensorflow as tf

    folders = user_warning._internal_folders()
    for module in (keras, tf, training_response, training_response.callbacks, user_warning):
        assert os.path.normcase(os.path.dirname(os.path.abspath(module.__file__))) + os.sep in folders
    assert not any(os.path.normcase(os.path.abspath(__file__)).startswith(folder) for folder in folders)
