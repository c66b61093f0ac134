"""A figure's settings: the keys of its model, training and probe sections with their types, checked when
a figure is built, and changed from the command line with `--set section.key=value`.

No TensorFlow here: the command line refuses a bad setting before anything heavy loads. The model keys
restate the builders' keyword arguments (replication/models.py); a test holds the two together.
"""

import dataclasses
import difflib

from .theory import ACTIVATIONS as THEORY_ACTIVATIONS

NONE = type(None)

# The 2022 conv stacks' keys after the input's (n_bits or image_shape).
_CONV = {"layers": int, "filters": int, "dropout": float, "kernel_size": int, "padding": str, "initializer": str}

MODEL = {
    "nakazato2024": {"activation": str, "n_bits": int, "features": int, "initializer": str},
    "nakazato2022": {"activation": str, "n_bits": int, **_CONV},
    "nakazato2022_images": {"activation": str, "image_shape": tuple, **_CONV},
    # The two-variable simplified system (simplified.py): the sigmoid's gain a, x(0) and C.
    "simplified": {"a": float, "x0": float, "c": float},
}

TRAINING = {
    "learning_rate": float,  # η of SGD, or of the simplified system's map (default: both papers' 0.1)
    "bits": str,
    "point_target": (str, NONE),
    "encoding": (str, NONE),
    "encoding_params": dict,
    "inputs": str,
    "p_fixed": float,
    # Random training for this share of the epochs, then every step on (x_o, y_o): clean_after_epoch(fig, epochs).
    "clean_after": (float, NONE),
    "y_o": float,
    "dataset": dict,
}

PROBE = {
    "shells": (bool, tuple),
    "samples_per_shell": (int, NONE),
    "kinds": tuple,
    "aging_kind": str,
    "schedule": str,
    "images": int,
    # A feature is dead when nonzero on at most this share of the probe inputs, in [0, 1) (default 0: on none).
    "dead_share": float,
    # Keep every replica's trainable weights at each measured epoch (weight_0, ...: what theory.py reads).
    "weights": bool,
}

SECTIONS = ("model", "training", "probe")


def _schema(section, builder):
    if section == "model":
        return {"builder": str, **MODEL[builder]}
    return TRAINING if section == "training" else PROBE


def _types(expected):
    return expected if isinstance(expected, tuple) else (expected,)


def fits(value, expected):
    types = _types(expected)
    if isinstance(value, bool):  # a bool is an int to Python, never to a setting
        return bool in types
    if isinstance(value, int) and float in types:
        return True
    if isinstance(value, list):
        return tuple in types
    return isinstance(value, types)


def type_names(expected):
    return " or ".join("None" if t is NONE else t.__name__ for t in _types(expected))


def valid_keys(fig):
    """Every `section.key` the figure takes."""
    builder = fig.model.get("builder")
    return [f"{section}.{key}" for section in SECTIONS for key in _schema(section, builder) if key != "builder"]


def _unknown(fig, name):
    keys = valid_keys(fig)
    # The same key in another section first (model.learning_rate → training.learning_rate), then spelling.
    moved = [k for k in keys if k.split(".", 1)[1] == name.partition(".")[2]]
    close = moved or difflib.get_close_matches(name, keys, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return ValueError(f"{fig.id}: unknown setting {name!r}; {hint}valid settings: {', '.join(keys)}")


def check(fig):
    """Refuses (ValueError naming the key and the valid ones) a figure whose sections, or its variants'
    overrides, hold an unknown key or a value of the wrong type, or a probe.dead_share outside [0, 1)."""
    builder = fig.model.get("builder")
    if builder not in MODEL:
        raise ValueError(f"{fig.id}: unknown model builder {builder!r}; use one of {', '.join(MODEL)}")
    sources = [("", fig.model, fig.training, fig.probe)]
    sources += [(v.get("label", ""), v.get("model", {}), v.get("training", {}), {}) for v in fig.variants]
    for label, *sections in sources:
        for section, values in zip(SECTIONS, sections):
            schema = _schema(section, builder)
            for key, value in values.items():
                name = f"{section}.{key}"
                if key not in schema:
                    raise _unknown(fig, name)
                if not fits(value, schema[key]):
                    where = f" (variant {label!r})" if label else ""
                    raise ValueError(f"{fig.id}{where}: setting {name} = {value!r} is a {type(value).__name__}; it takes {type_names(schema[key])}")
    if fig.probe.get("weights"):
        activations = {v.get("model", {}).get("activation", fig.model.get("activation")) for v in fig.variants} or {fig.model.get("activation")}
        if builder != "nakazato2024" or not activations <= set(THEORY_ACTIVATIONS):
            raise ValueError(
                f"{fig.id}: setting probe.weights = True keeps the weights for the 2024 paper's theory, computed for its network "
                f"(model.builder nakazato2024) with activation {' or '.join(THEORY_ACTIVATIONS)}; set probe.weights=false"
            )
    share = fig.probe.get("dead_share", 0.0)
    if not 0 <= share < 1:
        raise ValueError(f"{fig.id}: setting probe.dead_share = {share!r} is outside [0, 1): a feature is dead when it is nonzero on at most this share of the probe inputs")


def _parse(text, expected, current, name):
    """`text` as a value of the setting's type: a number, a word, true/false, none, or a comma list."""
    types = _types(expected)
    if text.lower() == "none" and NONE in types:
        return None
    if bool in types and text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        if kind in types:
            try:
                return kind(text)
            except ValueError:
                continue
    if tuple in types:
        items = [item.strip() for item in text.split(",") if item.strip()]
        element = type(current[0]) if isinstance(current, (tuple, list)) and current else str
        try:
            return tuple(element(item) for item in items)
        except ValueError:
            pass
    if str in types:
        return text
    raise ValueError(f"{name}={text!r}: {name} takes {type_names(expected)}")


def parse_assignment(text):
    """'section.key=value' as ('section.key', 'value')."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise ValueError(f"--set {text!r} is not KEY=VALUE; write e.g. --set model.features=512")
    return name.strip(), value.strip()


def with_settings(fig, assignments):
    """The figure with each ('section.key[.subkey]', text) assignment applied, to the figure and to every
    variant that sets the key itself (the user's value wins), parsed by the key's type. The applied
    settings are kept in `fig.settings` (recorded in the results' json)."""
    builder = fig.model.get("builder")
    sections = {s: dict(getattr(fig, s)) for s in SECTIONS}
    variants = [dict(v) for v in fig.variants]
    applied = dict(fig.settings)
    for name, text in assignments:
        section, _, path = name.partition(".")
        key, _, subkey = path.partition(".")
        if section not in SECTIONS or key not in _schema(section, builder) or key == "builder":
            raise _unknown(fig, name)
        expected = _schema(section, builder)[key]
        if expected is dict and not subkey:
            raise ValueError(f"{name} is a group of settings; set one entry, e.g. --set {name}.<entry>=VALUE")
        # Where the key is set: the figure's section and the variants that set it themselves (the
        # user's value wins over a variant's).
        holders = [sections[section]] + [dict(v[section]) for v in variants if key in v.get(section, {})]
        if subkey:  # one entry of a dict setting, e.g. training.encoding_params.p
            owners = [h for h in holders if isinstance(h.get(key), dict) and subkey in h[key]]
            if not owners:
                entries = sorted({k for h in holders if isinstance(h.get(key), dict) for k in h[key]})
                raise ValueError(f"{fig.id}: unknown setting {name!r}; valid entries of {section}.{key}: {', '.join(entries) or 'none'}")
            current = owners[0][key][subkey]
            value = _parse(text, type(current), current, name)
            for holder in owners:
                holder[key] = {**holder[key], subkey: value}
        else:
            value = _parse(text, expected, sections[section].get(key), name)
            for holder in holders:
                holder[key] = value
        for holder, variant in zip(holders[1:], [v for v in variants if key in v.get(section, {})]):
            variant[section] = holder
        applied[name] = value
    return dataclasses.replace(fig, **sections, variants=tuple(variants), settings=applied)


def folder_name(settings):
    """A folder name for results made with these settings, so they never overwrite the paper's."""
    text = ",".join(f"{name}={_plain(value)}" for name, value in settings.items())
    return "".join(c if c.isalnum() or c in "._=,+-" else "_" for c in text)


def _plain(value):
    return "-".join(map(str, value)) if isinstance(value, (tuple, list)) else str(value)
