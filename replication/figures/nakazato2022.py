"""Configs of K. Nakazato, "The training response law explains how deep neural networks learn" (2022):
the single-point random bit-string encoder (RBE) figures."""

ASSUMPTIONS = {
    "network": "16 input bits as a (16, 1) sequence → N Conv1D layers of M filters (kernel size 3, Keras' default "
    "'valid' padding; the paper gives neither) → Flatten → Dense(1, sigmoid); SGD at 0.1 on MSE; Keras default "
    "initialisers",
    "bits": "±1 bit strings (our faithful default); the paper's H = Σ|x_i − x_j| is read as the number of differing bits",
    "encoding": "p(y) is resampled at every training step: unbiased p(0) = p(1) = 0.5; biased p(0)/p(1) = 1/4, "
    "i.e. p(1) = 0.8; deterministic p(0) = 1 for Fig. 7",
    "probe_target": "the probe's one-step response is taken on the target y_o = 1 (and y_o = 0 for the deterministic "
    "encoding p(0) = 1); normalized by (y_o − f(x_o)) its linear part 2ηΘ does not depend on which target",
    "epoch": "one epoch is one SGD step on the single training point (batch of one)",
    "probe": "Hamming shells around x_o: a shell is taken whole up to 100 members, else 100 members are sampled "
    "without replacement (65,536 inputs are too many to probe every time)",
    "ensemble": "100 runs and 1,000 epochs, as the paper's Fig. 1 (kernels at e = 0, 200, ..., 800)",
    "kernel": "the response kernel is the shell-averaged response divided by the response at x_o at the same epoch",
    "fit_window": "the power law is fitted on epochs 10..E, after the initial training phase",
    "linear_kernel": "'almost linear' is tested as the R² of a straight line through the ensemble-mean kernel",
}

_BASE = {
    "paper": "nakazato2022",
    "model": {"builder": "nakazato2022", "activation": "elu", "n_bits": 16, "layers": 3, "filters": 8, "dropout": 0.0},
    "training": {"bits": "pm1", "point_target": "one", "encoding": "bernoulli", "encoding_params": {"p1": 0.5}},
    "probe": {"shells": True, "samples_per_shell": 100, "kinds": ("step", "ntk"), "aging_kind": "step", "schedule": "log"},
    "replicas": 100,
    "epochs": 1000,
    "kernel_epochs": (0, 200, 400, 600, 800),
    "panels": ("aging", "kernel"),
    "assumptions": ASSUMPTIONS,
}

_ENCODINGS = (
    {"label": "unbiased", "training": {"encoding_params": {"p1": 0.5}}},
    {"label": "biased", "training": {"encoding_params": {"p1": 0.8}}},
)


def _law(label, slope_trend):
    return (
        {
            "claim": f"after the initial phase the response size decays along a power law ({label})",
            "test": "power_law",
            "window": (10, None),
            "variant": label,
        },
        {"claim": f"the response kernel is almost linear in the Hamming distance ({label})", "test": "kernel_linear", "variant": label},
        {
            "claim": f"the kernel's slope {'diminishes' if slope_trend == 'diminishing' else 'is enhanced'} along training ({label})",
            "test": "kernel_slope_trend",
            "expect": slope_trend,
            "variant": label,
        },
    )


FIGURES = (
    {
        **_BASE,
        "id": "2022-fig1",
        "name": "fig1",
        "title": "Training response law: aging (A, C) and kernels (B, D), unbiased and biased encoding",
        "variants": _ENCODINGS,
        "claims": (*_law("unbiased", "diminishing"), *_law("biased", "growing")),
    },
)
