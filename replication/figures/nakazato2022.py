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
    "variations": "Fig. 2 changes one setting of the standard network at a time: L = 1, L = 5, M = 4, M = 16, ReLU; "
    "100 runs each (the paper states the ensemble size only for Fig. 1)",
    "dropout": "Fig. 3 puts Dropout(0.2) after every convolution; the probe measures the network in inference mode "
    "(no dropout), training draws masks as model.fit does. 'Broader peak' compares the kernel at distances 1-4 "
    "with Fig. 1's",
    "deterministic": "Fig. 7 trains on y = 0 at every step (p(0) = 1) and probes with y_o = 0",
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


# Fig. 2: one change of the standard network at a time.
_VARIATIONS = (("L1", {"layers": 1}), ("L5", {"layers": 5}), ("M4", {"filters": 4}), ("M16", {"filters": 16}), ("relu", {"activation": "relu"}))


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
    {
        **_BASE,
        "id": "2022-fig2",
        "name": "fig2",
        "title": "The law under variations: layers L = 1, 5; filters M = 4, 16; ReLU",
        "variants": tuple(
            {"label": f"{name}_{enc['label']}", "model": change, "training": enc["training"]}
            for name, change in _VARIATIONS
            for enc in _ENCODINGS
        ),
        "panels": tuple(
            {
                "panel": panel,
                "title": f"{kind}: {enc}",
                "variants": tuple(f"{name}_{enc}" for name, _ in _VARIATIONS),
                "labels": {f"{name}_{enc}": name for name, _ in _VARIATIONS},
                "epoch": 800,
            }
            for panel, kind in (("aging_overlay", "aging"), ("kernel_overlay", "kernel at e = 800"))
            for enc in ("unbiased", "biased")
        ),
        "claims": (
            *(
                {
                    "claim": f"the same law holds: power-law aging ({name}, {enc})",
                    "test": "power_law",
                    "window": (10, None),
                    "variant": f"{name}_{enc}",
                }
                for name, _ in _VARIATIONS
                for enc in ("unbiased", "biased")
            ),
            *(
                {"claim": f"the same law holds: an almost linear kernel ({name}, {enc})", "test": "kernel_linear", "variant": f"{name}_{enc}"}
                for name, _ in _VARIATIONS
                for enc in ("unbiased", "biased")
            ),
            *(
                {
                    "claim": f"aging is a less clear power law with ReLU than with ELU ({enc})",
                    "test": "power_law_less_clear",
                    "window": (10, None),
                    "variant": f"relu_{enc}",
                    "reference": "2022-fig1",
                    "reference_variant": enc,
                }
                for enc in ("unbiased", "biased")
            ),
        ),
    },
    {
        **_BASE,
        "id": "2022-fig3",
        "name": "fig3",
        "title": "Training response with dropout 0.2 after every convolution",
        "model": {**_BASE["model"], "dropout": 0.2},
        "variants": _ENCODINGS,
        "claims": (
            *(
                {
                    "claim": f"with dropout the kernel has a broader peak around x_o than without (Fig. 1) ({enc})",
                    "test": "kernel_broader",
                    "near": 4,
                    "variant": enc,
                    "reference": "2022-fig1",
                    "reference_variant": enc,
                }
                for enc in ("unbiased", "biased")
            ),
            *(
                {"claim": f"with dropout the aging still follows a power law ({enc})", "test": "power_law", "window": (10, None), "variant": enc}
                for enc in ("unbiased", "biased")
            ),
        ),
    },
    {
        **_BASE,
        "id": "2022-fig7",
        "name": "fig7",
        "title": "Deterministic encoding p(0) = 1: aging (A, C) and kernels (B, D) with ELU and ReLU",
        "training": {**_BASE["training"], "point_target": "zero", "encoding": "deterministic", "encoding_params": {}},
        "variants": ({"label": "elu", "model": {"activation": "elu"}}, {"label": "relu", "model": {"activation": "relu"}}),
        "claims": (
            *(
                {"claim": f"with deterministic encoding the aging is a clear power law ({a.upper()})", "test": "power_law", "window": (10, None), "variant": a}
                for a in ("elu", "relu")
            ),
            {
                "claim": "the aging exponent is larger than with non-deterministic encoding (ELU, against Fig. 1 unbiased)",
                "test": "exponent_differs",
                "direction": "higher",
                "window": (10, None),
                "variant": "elu",
                "reference": "2022-fig1",
                "reference_variant": "unbiased",
            },
            *({"claim": f"the kernels do not converge but drift along training ({a.upper()})", "test": "kernel_drift", "variant": a} for a in ("elu", "relu")),
        ),
    },
)
