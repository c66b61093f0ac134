"""Warnings that point at the user's code, not at the Keras or TensorFlow frames that called the package.

A probe's warning is raised deep inside `model.fit`: the user's line, then Keras' trainer and callback list,
then the probe. `warnings.warn(stacklevel=N)` counts frames, and the number of Keras frames between the
user and the probe depends on the Keras version and on the call (a hook from `fit`, or a method the user
calls directly); `skip_file_prefixes` would do it but needs Python 3.12 (the package supports 3.10). So
`warn` walks the stack itself to the first frame outside Keras, TensorFlow and this package, and issues
the warning there with `warnings.warn_explicit` and that frame's module registry, exactly as
`warnings.warn` does for the frame it picks: the filters ("default": once per location, "once",
"error", "ignore", `module=`), `pytest.warns` and `warnings.catch_warnings(record=True)` behave as usual.
"""

import os
import sys
import warnings

_PACKAGE = __name__.rpartition(".")[0] or __name__  # "training_response"
_LIBRARIES = ("keras", "tensorflow")


def warn(message, category=UserWarning):
    """Issues `message` (a str or a Warning instance) as `category`, attributed to the first stack frame
    outside Keras, TensorFlow and training_response: the user's line that called `model.fit(...)`, or their
    own code (e.g. their callback, or a direct call of a probe method). Falls back to the direct caller if
    every frame is internal (the package's own command line running a fit, `python -m replication`)."""
    caller = sys._getframe(1)
    frame = _first_outside(caller, _internal_folders()) or caller
    globals_ = frame.f_globals
    module = globals_.get("__name__", "<string>")
    registry = globals_.setdefault("__warningregistry__", {})
    try:
        warnings.warn_explicit(message, category, frame.f_code.co_filename, frame.f_lineno, module, registry, globals_)
    except Warning:  # the "error" filter: the warning itself, raised where the user asked for it
        raise
    except Exception:  # noqa: BLE001 — a frame whose module loader cannot give its source lines (e.g. a
        # process started from a string, as pytest-xdist's workers are) must not turn a warning into a crash
        warnings.warn(message, category, stacklevel=2)


def _first_outside(frame, folders):
    while frame is not None and _internal(frame.f_code.co_filename, folders):
        frame = frame.f_back
    return frame


def _internal(filename, folders):
    # Frozen modules (runpy under `python -m`, importlib) are skipped too; other code without a file
    # ("<string>" of `python -c`, "<stdin>") is the user's.
    if filename.startswith("<"):
        return filename.startswith("<frozen ")
    return _path(filename).startswith(folders)


def _internal_folders():
    """The folders (each ending in a separator) of Keras, TensorFlow and this package's loaded modules.

    Keras and TensorFlow: the folder of their __init__ (not TensorFlow's __path__, which also lists folders
    of other distributions). This package is installed from several repository folders (measurement/,
    callbacks/, data/, replication/ are training_response and its subpackages), so its folders are read
    from its loaded modules at each call: a frame of the package belongs to a loaded module, and warnings
    are rare."""
    folders = set()
    for name, module in list(sys.modules.items()):
        ours = name.partition(".")[0] == _PACKAGE
        if ours or name in _LIBRARIES:
            file = getattr(module, "__file__", None)
            if isinstance(file, str):
                folders.add(os.path.dirname(file))
            if ours:
                folders.update(p for p in getattr(module, "__path__", None) or () if isinstance(p, str))
    return tuple(_path(folder) + os.sep for folder in folders if folder)


def _path(path):
    return os.path.normcase(os.path.abspath(path))
