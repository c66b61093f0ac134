"""ResponseProbe: a Keras callback that records the training response Δ(x_o, x) and Θ(x_o, x)."""

import os
import weakref

import keras
import numpy as np
import tensorflow as tf

from ..features import check_dead_share, feature_statistics, keras_feature_fn
from ..memory import CHUNK_BUDGET_BYTES, plan_chunks
from ..model_graph import measure_under_xla
from ..optimizer_step import is_plain_sgd, optimizer_update
from ..points import probe_points
from ..probe_inputs import build_if_unbuilt, check_kinds, check_model, check_target, check_x_o, fit_arguments
from ..probe_row import logged_value, row_layout, split_rows, x_o_slices
from ..quiet import first_call
from ..record import ProbeHistory, load_history, save_npz
from ..kinds import DEFAULT_KINDS, LOG_KEYS, POINT_KINDS, SCALARS, STEPPED_KINDS
from ..response import NTK_MODES, NtkSpec, keras_output_fn, measure, sgd_update
from ..schedule import check_epochs, scheduled
from ..training_loss import class_of, keras_extra_loss, no_loss, own_training_step, scales_loss, weighted_loss_fn
from ..user_warning import warn


class ResponseProbe(keras.callbacks.Callback):
    """Records the response of one training step on (x_o, y_o) at probe points while a model trains.

    At the start of a fit and at the end of every scheduled epoch, with the current weights w, it
    measures at every probe point x (and at x_o itself):

    - "step": f(x; w') − f(x; w) with w' = w − η ∇_w L(y_o, f(x_o; w)), one plain SGD step (the papers'
      definition) on the model's compiled loss, η the optimizer's current learning rate (or
      `learning_rate=`). For a one-output model it is normalized by the error, Δ(x_o, x) / (y_o − f(x_o));
      for O > 1 outputs the error is a vector and a ratio is undefined, so the change is kept raw. The
      loss is the one Keras' training step computes: the compiled loss (or `loss_fn`) weighted by x_o's
      sample weight (`sample_weight`, else the fit's `class_weight` for y_o's class), plus the model's
      own losses (`add_loss`, activity and weight regularizers).
    - "optimizer_step": the raw change f(x; w') − f(x; w) where w' is one step of the model's *own*
      optimizer with its current state (moments, iteration count, learning-rate schedule, momentum,
      weight decay, loss scaling, sparse embedding updates, EMA) on the training loss at (x_o, y_o); the
      step is taken and undone exactly. With gradient accumulation over k micro-batches it is the update
      one full accumulated step on (x_o, y_o) would make (see `optimizer_step.py`).
    - "ntk": Θ_ab(x_o, x) = ∇_w f_a(x_o; w) · ∇_w f_b(x; w) over the trainable weights (a number for one
      output; for O outputs the O×O block, or the part `ntk_mode` names).
    - "output": f(x; w) itself.
    - "features": ⟨F_i⟩, the mean over features and probe points of the input of `feature_layer` (by
      default the model's last layer), and the fraction of those features that are dead: 0 at every
      probe point, or nonzero on at most a share `dead_share` of them (history keys "feature_mean" and
      "dead_fraction").

    Everything is measured in inference mode (Dropout off, BatchNormalization's moving statistics), on a
    copy of the weights: training is not changed by a single bit. With Dropout, the steps training takes
    are those of random masks, not the probe's inference-mode step (`python -m replication bench`
    measures how far apart: "dropout_step" in results/bench.json, docs/cost.md). When the model's
    optimizer is not plain SGD, "step" is still the papers' SGD step; the probe warns once and names "optimizer_step".

    Epochs are Keras' epochs. The measurement at the start of a fit with `initial_epoch=k` is epoch k;
    the one at the end of Keras epoch index e (`on_epoch_end(e)`, row e − k of that fit's History) is
    epoch e + 1. A fit of the same model that continues the record (`initial_epoch` = the epoch the last
    fit ended at) appends to it; any other fit starts a new record, with a warning. The values at x_o go
    into the epoch logs as `response_o`, `optimizer_response_o` and `ntk_o` (the norm and the trace for
    O > 1; NaN at epochs that are not measured), so History, CSVLogger and TensorBoard record them: put
    the probe before those callbacks. If the weights become NaN or infinite, that epoch is recorded as
    NaN with one warning, and training goes on as Keras has it.

    Args:
        x_o: one input, shaped like the model's input without the batch axis.
        y_o: its target, as the compiled loss takes it: a number for one output; a class id or a
            one-hot vector for a softmax classifier.
        probe_x: (P, ...) probe inputs; or None to use `shells`.
        shells: Hamming shells around a bit-string x_o: True for every distance 0..n, or a list of
            distances.
        samples_per_shell: take a shell whole when it has at most this many members (or when None),
            else sample this many uniformly without replacement with `seed`.
        epochs: None (every epoch), a list of epoch numbers (1 = after the first epoch), or "log": the
            fixed grid round(10^(k/20)), k = 0, 1, … (so 1, 10, 100, 1000 … are always measured), plus
            each fit's last epoch.
        kinds: what to record, a subset of ("step", "optimizer_step", "ntk", "output", "features").
        learning_rate: η of the "step" kind; None takes the optimizer's current learning rate.
        feature_layer: the layer (or its name) whose input "features" measures; needed for subclassed
            models.
        dead_share: a feature counts as dead in "features" when it is nonzero on at most this share of
            the probe points, a number in [0, 1); 0 (the default): only a feature that is 0 on every
            probe point. E.g. 0.01 with 256 probe points: nonzero on at most 2 of them.
        probe_batch_size: the probe points go through the measurement this many at a time, one chunk
            after another, so memory follows the chunk, not the number of points (results equal the
            unchunked ones to float32 precision). "auto" takes them all at once when their activations
            fit in about 1 GiB (estimated from the layers' output shapes), else as many as fit; 64 for a
            subclassed model, whose shapes Keras does not know.
        seed: seed of the shell sampling.
        snapshot_dir: if given, the weights are also saved there at every measured epoch
            (`epoch_000000.weights.h5`, ...).
        ntk_mode: for O > 1 outputs, what "ntk" holds per probe point: "full" the O×O block; "diagonal"
            Θ_aa (O,); "class" Θ_cb (O,), the row of y_o's class c (how a step on x_o's own logit moves
            every output); "trace" Σ_a Θ_aa. The tangents of many outputs go through the measurement in
            chunks within the memory of `probe_batch_size`; "full" blocks larger than 1 GiB a
            measurement are refused.
        loss_fn: the loss the model trains on, loss(y_true, y_pred) -> scalar with y_true y_o and y_pred
            the (1, O) output, when it is not the compiled one (a custom `train_step`); a Keras loss or
            its name also does.
        sample_weight: x_o's weight in the loss, when the fit weights its samples; None takes the fit's
            `class_weight` of y_o's class (1 without one).

    Example:

    ```python
    probe = ResponseProbe(x_o, y_o, shells=True, epochs="log")
    model.fit(x_o[None], np.array([[y_o]]), epochs=1000, batch_size=1, callbacks=[probe])
    probe.history["step"]  # (T, P)
    probe.save("probe.npz")
    probe.plot("probe.png")
    ```
    """

    def __init__(
        self,
        x_o,
        y_o,
        probe_x=None,
        *,
        shells=None,
        samples_per_shell=None,
        epochs=None,
        kinds=DEFAULT_KINDS,
        learning_rate=None,
        feature_layer=None,
        dead_share=0.0,
        probe_batch_size="auto",
        seed=0,
        snapshot_dir=None,
        ntk_mode="full",
        loss_fn=None,
        sample_weight=None,
    ):
        super().__init__()
        if keras.backend.backend() != "tensorflow":
            raise ValueError(
                f"ResponseProbe needs Keras' TensorFlow backend, and this process runs Keras on {keras.backend.backend()!r}: "
                "set KERAS_BACKEND=tensorflow before keras is imported"
            )
        self.x_o = check_x_o(x_o, probe_x)
        self.y_o = check_target(y_o)
        self.kinds = check_kinds(kinds)
        self.point_kinds = tuple(k for k in self.kinds if k in POINT_KINDS)
        self.scalar_keys = tuple(key for k in self.kinds for key in SCALARS.get(k, ()))
        self.epochs = check_epochs(epochs)
        if learning_rate is not None and not (np.isfinite(learning_rate) and learning_rate > 0):
            raise ValueError(f"learning_rate={learning_rate!r} must be a positive number (or None for the optimizer's)")
        self.learning_rate = learning_rate
        self.feature_layer = feature_layer
        self.dead_share = check_dead_share(dead_share)
        if not (probe_batch_size == "auto" or (isinstance(probe_batch_size, (int, np.integer)) and probe_batch_size >= 1)):
            raise ValueError(f"probe_batch_size={probe_batch_size!r} must be a whole number >= 1 or 'auto'")
        self.probe_batch_size = probe_batch_size
        self.snapshot_dir = snapshot_dir
        if ntk_mode not in NTK_MODES:
            raise ValueError(f"ntk_mode={ntk_mode!r} is not one of {list(NTK_MODES)}")
        self.ntk_mode = ntk_mode
        if isinstance(loss_fn, str):
            loss_fn = keras.losses.get(loss_fn)
        if loss_fn is not None and not callable(loss_fn):
            raise ValueError(f"loss_fn={loss_fn!r} must be a loss: a function of (y_true, y_pred), a Keras loss or its name")
        self.loss_fn = loss_fn
        if sample_weight is not None and not (np.ndim(sample_weight) == 0 and np.isfinite(sample_weight) and sample_weight >= 0):
            raise ValueError(f"sample_weight={sample_weight!r} must be one number >= 0: x_o's weight in the loss")
        self.sample_weight = sample_weight
        self._loss_weight = tf.Variable(1.0, trainable=False, dtype=tf.float32)
        self.probe_x, self.distance = probe_points(self.x_o, probe_x, shells, samples_per_shell, seed)
        self._epochs = None  # the measured epochs of the record, None before the first fit
        self._rows = []  # one measurement vector per measured epoch, split into the history on demand
        self._owner = None
        self._completed = 0
        self._outputs = 1
        self._warned = set()
        # The compiled measurement is kept across fits of the same model and optimizer (tracing and
        # XLA compilation cost far more than a fit of a few hundred epochs).
        self._measure_key = None

    # Keras hooks ---------------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self._weigh_x_o(fit_arguments(self.model))
        key = (id(self.model), id(getattr(self.model, "optimizer", None)))
        if key != self._measure_key:
            build_if_unbuilt(self.model, self.x_o)
            self._outputs = check_model(self.model, self.x_o, self.y_o, self.kinds, self.loss_fn)
            self._check_ntk()
            features = keras_feature_fn(self.model, self.feature_layer) if "features" in self.kinds else None
            try:
                self._measure = first_call(self._compile_measurement(features))
            except Exception as error:  # noqa: BLE001 — a model the measurement cannot trace must not stop training
                self._measure = None
                self._warn_failure(error)
            self._at_x_o = x_o_slices(self._layout())
            self._measure_key = key
            self._warn_if_not_sgd()
            self._warn_if_own_loss()
        self._schedule = scheduled(self.epochs, int((self.params or {}).get("epochs") or 0))
        self._started = False

    def on_epoch_begin(self, epoch, logs=None):
        # The start of a fit is measured here rather than at train begin: only now is initial_epoch
        # known, and callbacks such as BackupAndRestore have set the weights.
        if not self._started:
            self._start(epoch)

    def on_epoch_end(self, epoch, logs=None):
        number = epoch + 1
        self._completed = number
        values = self._record(number) if number in self._schedule else None
        if logs is not None:
            for kind, key in LOG_KEYS.items():
                if kind in self.kinds:
                    logs[key] = float("nan") if values is None else values[kind]

    def on_train_end(self, logs=None):
        if not self._started:  # a fit that ran no epoch
            self._start(None)

    # Helpers ---------------------------------------------------------------------------------------

    def _start(self, first_epoch):
        """Opens or continues the record at the first epoch of a fit, and measures that epoch."""
        self._started = True
        same_model = self._epochs is not None and self._owner() is self.model
        epoch = first_epoch if first_epoch is not None else (self._completed if same_model else 0)
        if same_model and epoch == self._completed:
            if self._epochs and self._epochs[-1] == epoch:
                return
        else:
            if self._epochs:
                previous = self._epochs
                why = "another model" if not same_model else f"epoch {epoch}, not at epoch {self._completed} where the record ends"
                warn(
                    f"ResponseProbe: this fit starts at {why}; starting a new record (the previous one, epochs "
                    f"{previous[0]}..{previous[-1]}, is dropped: save it first, or continue with initial_epoch={self._completed})"
                )
            self._epochs, self._rows = [], []
            self._owner = weakref.ref(self.model)
        self._completed = epoch
        self._record(epoch)

    def _weigh_x_o(self, fit):
        """x_o's weight in the loss of this fit: `sample_weight`, else the fit's class weight of y_o's class."""
        class_weight = fit.get("class_weight") or {}
        weight = self.sample_weight if self.sample_weight is not None else class_weight.get(class_of(self.y_o), 1.0)
        self._loss_weight.assign(float(weight))
        if fit.get("sample_weight") is not None and self.sample_weight is None and self._steps():
            self._warn_once(
                "sample_weight",
                f"ResponseProbe: this fit weights its samples (sample_weight=), which a callback cannot read for x_o; "
                f"the steps weight x_o's loss by {weight:g}: pass sample_weight= to ResponseProbe",
            )

    def _steps(self):
        return any(k in self.kinds for k in STEPPED_KINDS)

    def _warn_once(self, key, message):
        if key not in self._warned:
            self._warned.add(key)
            warn(message)

    def _warn_if_own_loss(self):
        name = own_training_step(self.model)
        if name and self.loss_fn is None and self._steps():
            self._warn_once(
                "loss",
                f"ResponseProbe: the model overrides {name}, so the loss it trains on is not visible to a callback; "
                "\"step\" and \"optimizer_step\" use the compiled loss plus model.losses instead: pass loss_fn= "
                f"(the loss your {name} minimizes, as loss(y_true, y_pred)) to measure that one",
            )

    def _check_ntk(self):
        """Refuses, before anything is allocated, a full Θ block too large to hold, and a class y_o cannot name."""
        if "ntk" not in self.kinds or self._outputs == 1:
            return
        points, o = len(self.probe_x) + 1, self._outputs
        if self.ntk_mode == "full" and points * o * o * 4 > CHUNK_BUDGET_BYTES:
            raise ValueError(
                f'ntk_mode="full" for {o} outputs at {points} points (the probe points and x_o) takes '
                f"{points * o * o * 4 / 2**30:.1f} GiB per measurement; choose ntk_mode=\"diagonal\", \"class\" or "
                '"trace" (O values or one per point), or fewer probe points'
            )
        if self.ntk_mode == "class" and not 0 <= class_of(self.y_o) < o:
            raise ValueError(f'ntk_mode="class" needs y_o to name one of the {o} outputs (a class id or a one-hot vector); y_o={self.y_o.tolist()!r}')

    def _warn_if_not_sgd(self):
        optimizer = getattr(self.model, "optimizer", None)
        if "step" in self.kinds and optimizer is not None and not is_plain_sgd(optimizer):
            name = type(optimizer).__name__
            name += " with momentum, weight decay, clipping, averaging or loss scaling" if isinstance(optimizer, keras.optimizers.SGD) else ""
            self._warn_once(
                "sgd",
                f"ResponseProbe: the model trains with {name}, but \"step\" is the papers' plain SGD step "
                "w − η∇L; add \"optimizer_step\" to kinds to measure the step this optimizer takes",
            )

    def _layout(self):
        """[(key, shape, start, stop)] of the parts of one measurement vector after its leading `finite`
        flag, in the order the compiled measurement returns them; a point kind holds the probe points,
        then x_o."""
        points = len(self.probe_x) + 1
        parts = [("f_o", self._shape("output")), ("learning_rate", ())]
        parts += [(key, ()) for key in self.scalar_keys]
        parts += [(kind, (points,) + self._shape(kind)) for kind in self.point_kinds]
        return row_layout(parts)

    def _compile_measurement(self, features):
        """One compiled function of no arguments (XLA unless `measure_under_xla` says no), traced once per
        model, with `features` the function of the "features" kind (or None), returning
        [finite, f_o (O), η, scalars..., point kinds (P + 1 points each)...] as one vector. It reads the
        weights and the learning rate itself, which (with the single device-to-host copy) keeps the probe
        cheap enough to run every epoch."""
        model = self.model
        f = keras_output_fn(model)
        steps = self._steps()
        loss_fn = weighted_loss_fn(model, self.loss_fn, self._loss_weight) if steps else None
        extra_loss = keras_extra_loss(model, self.x_o) if steps else None
        if steps and loss_fn is None:  # the model's own losses are all it trains on (check_model)
            loss_fn = no_loss
        kinds = self.point_kinds
        variables = list(model.trainable_variables)
        optimizer = getattr(model, "optimizer", None)
        fixed_rate = self.learning_rate
        dead_share = self.dead_share
        probe_x = tf.constant(self.probe_x, dtype=tf.float32)
        # x_o is appended as the last probe point, so its own response is always measured.
        points = tf.constant(np.concatenate([self.probe_x, self.x_o[None]]), dtype=tf.float32)
        x_o = tf.constant(self.x_o)
        y_o = tf.constant(self.y_o)
        ntk = NtkSpec(self.ntk_mode, row=class_of(self.y_o) if self._outputs > 1 else 0)
        rows = len(ntk.rows(self._outputs)) if "ntk" in kinds else 1
        chunk, rows_per_chunk = plan_chunks(model, self.x_o, len(points), rows, self.probe_batch_size)
        ntk = ntk._replace(rows_per_chunk=rows_per_chunk)
        loss_scaled = steps and scales_loss(optimizer)
        own_update = {"optimizer_step": optimizer_update(model)} if "optimizer_step" in kinds else {}

        @tf.function(jit_compile=measure_under_xla(model, self.x_o))
        def run():
            rate = tf.cast(tf.convert_to_tensor(optimizer.learning_rate if fixed_rate is None else fixed_rate), tf.float32)
            params = [v.value for v in variables]
            scale = optimizer.scale_loss(tf.ones(())) if loss_scaled else None
            updates = {"step": sgd_update(rate, scale), **own_update}
            out = measure(f, loss_fn, params, x_o, y_o, points, kinds, updates, extra_loss, chunk, ntk=ntk, loss_scale=scale)
            finite = tf.reduce_all([tf.reduce_all(tf.math.is_finite(p)) for p in params]) & tf.reduce_all(tf.math.is_finite(out["f_o"]))
            scalars = [tf.cast(finite, tf.float32)[None], out["f_o"], rate[None]]
            if features is not None:
                stats = feature_statistics(features, params, probe_x, dead_share)
                scalars += [stats[key][None] for key in SCALARS["features"]]
            return tf.concat(scalars + [tf.reshape(out[k], [-1]) for k in kinds], axis=0)

        # The concrete function skips tf.function's per-call dispatch, about a sixth of the probe's cost here (bench).
        return run.get_concrete_function()

    def _shape(self, kind):
        """The shape of one point's value of `kind`: () for one output; for O outputs (O,), or for "ntk"
        what `ntk_mode` holds ((O, O), (O,) or ())."""
        o = self._outputs
        return () if o == 1 else NtkSpec(self.ntk_mode).shape(o) if kind == "ntk" else (o,)

    def _record(self, epoch):
        """Measures, stores the vector as it is (splitting it waits for `history`), and returns the values
        at x_o that go into the epoch logs."""
        row = self._measured_row()
        o = self._outputs
        if row is None:
            row = np.full(self._layout()[-1][3], np.nan, np.float32)
        elif not (row[0] and np.all(np.isfinite(row[1 : 1 + o]))):
            row = np.full_like(row, np.nan)
            self._warn_once("nan", f"ResponseProbe: the weights or outputs are NaN or infinite at epoch {epoch}; recording NaN")
        self._epochs.append(epoch)
        self._rows.append(row)
        if self.snapshot_dir:
            os.makedirs(self.snapshot_dir, exist_ok=True)
            self.model.save_weights(os.path.join(self.snapshot_dir, f"epoch_{epoch:06d}.weights.h5"))
        if o == 1:
            return {kind: float(row[start]) for kind, (start, _) in self._at_x_o.items()}
        at_x_o = {kind: row[start:stop].reshape(self._shape(kind)) for kind, (start, stop) in self._at_x_o.items()}
        return {kind: logged_value(kind, v, self.ntk_mode, class_of(self.y_o)) for kind, v in at_x_o.items()}

    def _measured_row(self):
        """One measurement vector, or None (announced once) when the measurement cannot run: the user's
        training goes on whatever happens inside the probe."""
        if self._measure is not None:
            try:
                return self._measure().numpy()
            except Exception as error:  # noqa: BLE001
                self._warn_failure(error)
        return None

    def _warn_failure(self, error):
        self._warn_once(
            "failure",
            f"ResponseProbe: the measurement cannot run on this model ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}); "
            "its epochs are recorded as NaN and training goes on",
        )

    # Results ---------------------------------------------------------------------------------------

    @property
    def history(self):
        """A ProbeHistory (a dict of numpy arrays): epoch (T,), f_o (T,) or (T, O), learning_rate (T,),
        feature_mean/dead_fraction (T,), per point kind k: k (T, P) for one output, (T, P, O) (or
        (T, P, O, O) for ntk) for O outputs, and k + "_o" its value at x_o; distance (P,), probe_x (P, ...),
        x_o, y_o, and ntk_mode (what "ntk" holds for O outputs)."""
        out = ProbeHistory(epoch=np.asarray(self._epochs or [], dtype=np.int64))
        out.update(split_rows(self._rows, self._layout(), self.point_kinds))
        out.update(distance=self.distance, probe_x=self.probe_x, x_o=self.x_o, y_o=self.y_o, ntk_mode=np.array(self.ntk_mode))
        return out

    def save(self, path):
        """Writes the history to `path` as .npz (no pickles); the file appears whole or not at all."""
        save_npz(path, self.history)

    def plot(self, path, epochs=None):
        """Draws this run's aging curve and response kernel into `path` (png); returns the path."""
        return self.history.plot(path, epochs=epochs)

    @staticmethod
    def load(path):
        """Reads a history written by `save` back as a ProbeHistory (a dict of numpy arrays with `plot`).
        A missing, corrupt or foreign file raises a ValueError naming it; pickles are never loaded."""
        return load_history(path)
