"""One progress bar over a whole command, counted in replica-epochs."""

import keras


def work(fig, replicas, epochs):
    """Replica-epochs a figure trains: what its share of an overall progress bar counts."""
    return 0 if fig.kind == "simplified" else replicas * epochs * len(fig.variant_configs())


class Progress:
    """One progress bar over several ensembles, counted in replica-epochs."""

    def __init__(self, total):
        self.bar = keras.utils.Progbar(max(1, int(total)), unit_name="replica-epoch")
        self.total, self.used = max(1, int(total)), 0

    def ensemble(self, size):
        """An update function for the next ensemble of `size` replica-epochs: update(done within it)."""
        base = self.used
        self.used += size
        return lambda done: self.advance_to(base + done)

    def advance_to(self, done):
        """Shows `done` replica-epochs of the whole (what worker processes report: see figure_runs)."""
        self.bar.update(min(done, self.total))


class NoProgress:
    """Where no bar is shown, the stand-in for a Progress: its ensembles' updates do nothing."""

    def ensemble(self, size):
        return lambda done: None

    def advance_to(self, done):
        pass


NO_PROGRESS = NoProgress()


class ProgressCallback(keras.callbacks.Callback):
    """Advances the progress bar every 1% of a replica's epochs (per-epoch updates would cost more
    than the probe)."""

    def __init__(self, update, offset, epochs):
        super().__init__()
        self.update, self.offset, self.stride, self.epochs = update, offset, max(1, epochs // 100), epochs

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if done % self.stride == 0 or done == self.epochs:
            self.update(self.offset + done)
