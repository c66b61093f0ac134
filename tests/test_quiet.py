"""TensorFlow's start-up banners stay off stderr for the command line and for user scripts, unless
asked for; a TensorFlow that fails to import still shows everything it printed.

Each case runs in a fresh interpreter (the banners appear once per process), without
TF_CPP_MIN_LOG_LEVEL, which the test session itself sets.
"""

import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BANNER_WORDS = ("onednn", "cuda", "absl", "cpu_feature_guard")
# The installed `training-response` command imports the package before it parses its arguments,
# exactly as `-m training_response.replication` does.
INSTALLED = [sys.executable, "-m", "training_response.replication"]
MODULE = [sys.executable, "-m", "replication"]


def run(command, env=None, cwd=ROOT):
    base = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "TRAINING_RESPONSE_VERBOSE")}
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env={**base, **(env or {})}, timeout=300)


def banner_in(text):
    return [word for word in BANNER_WORDS if word in text.lower()]


def test_list_is_quiet():
    result = run([*MODULE, "list"])
    assert result.returncode == 0 and "2024-fig1" in result.stdout
    assert result.stderr == ""


def _missing_mnist(tmp_path):
    # A missing --mnist file fails right after TensorFlow is loaded: a fast command that loads it.
    return ["run", "2022-fig8", "--mnist", str(tmp_path / "missing.npz"), "--out", str(tmp_path / "out")]


@pytest.mark.parametrize("cli", [MODULE, INSTALLED], ids=["python -m replication", "installed command"])
def test_the_cli_loads_tensorflow_quietly(cli, tmp_path):
    quiet = run([*cli, *_missing_mnist(tmp_path)])
    assert quiet.returncode == 2 and "does not exist" in quiet.stderr and "Traceback" not in quiet.stderr
    assert len(quiet.stderr.strip().splitlines()) == 1 and not banner_in(quiet.stderr), quiet.stderr
    assert not os.listdir(tmp_path)  # nothing written, not even the output folder


def test_worker_processes_load_tensorflow_quietly(tmp_path):
    # A sweep's worker process first runs this project's code by its `replication.` name (the command's
    # own package), not through the installed package that loads TensorFlow quietly.
    size = ["--replicas", "1", "--epochs", "2", "--out", str(tmp_path)]
    quiet = run([*MODULE, "sweep", "2024-fig1", "--grid", "model.features=4,8", "--workers", "2", *size])
    assert quiet.returncode == 0, quiet.stderr
    assert not banner_in(quiet.stderr), quiet.stderr


def test_verbose_shows_tensorflows_start_up_messages(tmp_path):
    verbose = run([*MODULE, "--verbose", *_missing_mnist(tmp_path)])
    assert verbose.returncode == 2 and "does not exist" in verbose.stderr
    assert banner_in(verbose.stderr), verbose.stderr


def test_a_user_script_that_trains_is_quiet():
    script = textwrap.dedent(
        """
        from training_response import ResponseProbe
        import keras
        import numpy as np

        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(np.zeros((8, 3)), np.zeros((8, 1)), epochs=1, verbose=0)
        print("trained")
        """
    )
    result = run([sys.executable, "-c", script], cwd=None)
    assert result.returncode == 0 and "trained" in result.stdout, result.stderr
    assert not banner_in(result.stderr), result.stderr


def test_the_environment_variable_shows_the_banner():
    result = run([sys.executable, "-c", "import training_response"], env={"TRAINING_RESPONSE_VERBOSE": "1"}, cwd=None)
    assert result.returncode == 0 and banner_in(result.stderr), result.stderr


def fake_tensorflow(folder, body):
    """A `tensorflow` package in `folder` whose __init__ is `body`, ahead of the real one on PYTHONPATH."""
    package = folder / "tensorflow"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(body))
    return {"PYTHONPATH": str(folder)}


def test_the_redirection_holds_back_what_tensorflow_prints_and_restores_stderr(tmp_path):
    env = fake_tensorflow(
        tmp_path,
        """
        import os, types
        os.write(2, b"fake banner at import\\n")
        config = types.SimpleNamespace(list_physical_devices=lambda: os.write(2, b"fake cuInit\\n"))
        """,
    )
    # quiet.py is loaded on its own: the package would import Keras, which needs the real TensorFlow.
    script = textwrap.dedent(
        f"""
        import importlib.util, os, sys
        spec = importlib.util.spec_from_file_location("quiet", {os.path.join(ROOT, "measurement", "quiet.py")!r})
        quiet = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(quiet)
        before = os.fstat(2)
        quiet.load_tensorflow()
        after = os.fstat(2)
        os.write(2, b"stderr works\\n")
        print((before.st_dev, before.st_ino) == (after.st_dev, after.st_ino))
        print(quiet.captured(), end="")
        """
    )
    result = run([sys.executable, "-c", script], env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "stderr works\n"
    assert result.stdout == "True\nfake banner at import\nfake cuInit\n"


def test_a_failing_import_shows_what_it_printed_and_the_error(tmp_path):
    env = fake_tensorflow(
        tmp_path,
        """
        import os
        os.write(2, b"fake banner before the failure\\n")
        raise ImportError("fake tensorflow is broken")
        """,
    )
    result = run([sys.executable, "-c", "import training_response"], env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "fake banner before the failure" in result.stderr and "ImportError: fake tensorflow is broken" in result.stderr
    assert result.stderr.index("fake banner") < result.stderr.index("Traceback")


# A script that imports keras, and so TensorFlow, before the package: TF_CPP_MIN_LOG_LEVEL, read as
# TensorFlow's library loads, came too late for the INFO lines of the probe's first XLA compilation.
KERAS_FIRST = textwrap.dedent(
    """
    import keras
    from training_response import ResponseProbe
    import numpy as np

    x_o = np.sign(np.random.default_rng(0).standard_normal(8)).astype("float32")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    probe = ResponseProbe(x_o, 1.0, shells=True)
    model.fit(x_o[None], np.ones((1, 1), "float32"), epochs=3, verbose=0, callbacks=[probe])
    print("measured", len(probe.history["epoch"]))
    """
)
XLA_INFO = ("XLA service", "StreamExecutor", "Compiled cluster using XLA")


def xla_info_in(text):
    return [words for words in XLA_INFO if words in text]


def test_a_script_that_imports_keras_first_shows_no_xla_info_lines():
    result = run([sys.executable, "-c", KERAS_FIRST], cwd=None)
    assert result.returncode == 0 and "measured 4" in result.stdout, result.stderr
    assert not xla_info_in(result.stderr), result.stderr


def test_the_environment_variable_shows_them_when_keras_comes_first():
    result = run([sys.executable, "-c", KERAS_FIRST], env={"TRAINING_RESPONSE_VERBOSE": "1"}, cwd=None)
    assert result.returncode == 0 and "measured 4" in result.stdout, result.stderr
    assert xla_info_in(result.stderr) == list(XLA_INFO), result.stderr


def test_the_first_compiled_call_hides_only_info_lines_when_tensorflow_came_first():
    script = textwrap.dedent(
        """
        import keras
        import tensorflow as tf
        from training_response import quiet

        @tf.function(jit_compile=True)
        def double_sum(x):
            return tf.reduce_sum(2.0 * x)

        measure = quiet.first_call(double_sum.get_concrete_function(tf.TensorSpec([3])))
        print(float(measure(tf.ones(3))), float(measure(tf.ones(3))))
        """
    )
    result = run([sys.executable, "-c", script], cwd=None)
    assert result.returncode == 0 and result.stdout.split() == ["6.0", "6.0"], result.stderr
    assert not xla_info_in(result.stderr), result.stderr


NOISE = (
    b"I0000 00:00:1796658665.790396    2706 service.cc:153] XLA service 0x56 initialized for platform Host\n"
    b"W0000 00:00:1796658665.790439    2706 some.cc:1] a C++ warning\n"
    b"2024-03-05 12:00:00.123456: I tensorflow/compiler/jit/xla_compilation_cache.cc:477] Compiled cluster\n"
    b"E0000 00:00:1796658665.806872    2706 other.cc:2] a C++ error\n"
)


def test_the_first_call_writes_back_every_line_but_info_lines_in_order(tmp_path):
    # quiet.py on its own (no TensorFlow needed), in a fresh interpreter: what is held back is fd 2 itself.
    script = textwrap.dedent(
        f"""
        import importlib.util, os, sys
        spec = importlib.util.spec_from_file_location("quiet", {os.path.join(ROOT, "measurement", "quiet.py")!r})
        quiet = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(quiet)

        def noisy(value, fail=False):
            os.write(2, {NOISE!r})
            print("Python says", file=sys.stderr)
            if fail:
                raise RuntimeError("failed")
            return value

        print(quiet.first_call(noisy) is noisy)  # TensorFlow was not loaded before: nothing to hold back
        quiet._info_may_show = True
        measure = quiet.first_call(noisy)
        print(measure(7))
        print("--- later calls as they are", file=sys.stderr)
        print(measure(8))
        print("--- a first call that fails", file=sys.stderr)
        try:
            quiet.first_call(noisy)(0, fail=True)
        except RuntimeError as error:
            print(error)
        os.environ["TRAINING_RESPONSE_VERBOSE"] = "1"
        print(quiet.first_call(noisy) is noisy)
        """
    )
    result = run([sys.executable, "-c", script], cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.split() == ["True", "7", "8", "failed", "True"], result.stderr
    noise = NOISE.decode() + "Python says\n"
    kept = "".join(line for line in noise.splitlines(keepends=True) if not line.startswith(("I0000", "2024-")))
    assert result.stderr == kept + "--- later calls as they are\n" + noise + "--- a first call that fails\n" + kept
