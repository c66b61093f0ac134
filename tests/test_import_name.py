"""Installing the project adds one import name, training_response: a user's own `data`, `callbacks` and
`models` (modules or packages, next to their script) keep working alongside the probe."""

import os
import subprocess
import sys
import textwrap

import pytest

USER_MODULES = {
    "data": "def load():\n    return 1\n",
    "callbacks": "MARK = 'user callbacks'\n",
    "models": textwrap.dedent(
        """
        import keras


        def build():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
            return model
        """
    ),
}

TRAIN = textwrap.dedent(
    """
    import numpy as np

    import callbacks
    import data
    from callbacks import MARK
    from data import load
    from models import build
    from training_response import ResponseProbe

    x_o = np.array([1.0, -1.0, 1.0, -1.0], dtype=np.float32)
    probe = ResponseProbe(x_o, 0.8, shells=[0, 1])
    build().fit(x_o[None], np.array([[0.8]]), epochs=3, batch_size=1, verbose=0, callbacks=[probe])
    print("DATA", data.__file__)
    print("CALLBACKS", callbacks.__file__)
    print("USER", load(), MARK)
    print("EPOCHS", list(map(int, probe.history["epoch"])))
    """
)


def run(args, cwd):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def write_user_project(folder, layout):
    """The user's modules as `name.py` ("modules") or `name/__init__.py` ("packages"), and train.py.
    Returns where each module's file is."""
    files = {}
    for name, source in USER_MODULES.items():
        path = folder / f"{name}.py" if layout == "modules" else folder / name / "__init__.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(source)
        files[name] = path
    (folder / "train.py").write_text(TRAIN)
    return files


@pytest.mark.parametrize("layout", ["modules", "packages"])
def test_user_modules_named_like_the_repository_folders(tmp_path, layout):
    files = write_user_project(tmp_path, layout)
    result = run(["train.py"], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert f"DATA {files['data']}" in lines
    assert f"CALLBACKS {files['callbacks']}" in lines
    assert "USER 1 user callbacks" in lines
    assert "EPOCHS [0, 1, 2, 3]" in lines


def test_no_top_level_data_or_callbacks_is_installed(tmp_path):
    # Importing the project first: neither its import nor its install may put these names on the path.
    check = "import importlib.util as u, training_response; print([u.find_spec(n) for n in ('data', 'callbacks', 'replication')])"
    result = run(["-c", check], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines()[-1] == "[None, None, None]"


def test_a_plain_install_runs_the_command_from_the_repository_root(tmp_path):
    # `pip install .` (not editable) and then `python -m replication` from the repository root, as the
    # README's main job does: no folder there may shadow the installed package, whose subpackages come
    # from other folders.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(target), root],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)  # the installed copy; the editable one of the test run is not used
    check = "import training_response.callbacks, training_response.replication.claims as c; print(c.__file__)"
    result = subprocess.run([sys.executable, "-c", check], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().startswith(str(target))
