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
    "two_points": "Fig. 4 draws x1 uniformly and x2 at exactly H = 1 or 12 flips from it; each epoch is one SGD step on "
    "one example, x2 with probability α = 0.01 else x1, its target drawn from p(y) (a distribution, like Fig. 1). "
    "30 runs x 1,000 epochs. A point's normalized response is Δ(x_i, x_i)/(y_o − f(x_i)) with y_o = 1, divided by its "
    "value at epoch 0; the scatter shows x2's minus x1's at every measured epoch of every run",
    "pair_claims": "'agings enhanced with each other' when close: x2's normalized response has decayed more with H = 1 "
    "than with H = 12; 'enhancement very limited' when distant: with H = 12, x2's mean log-decay is at most half of x1's",
    "dataset_epoch": "Figs. 5-6 train on a fixed set of 20 points with Keras' default batch size 32: one epoch is one "
    "pass, i.e. one full-batch SGD step on the mean MSE over the 20 points. 20 runs x 1,000 epochs (the paper states "
    "no epoch count; 1,000 as in Fig. 1). The robustness study also runs one step per point (batch_size 1, the 20 "
    "points' order shuffled each epoch, as Keras' fit does; its mean field then takes B = 1)",
    "groups": "Fig. 5 draws 20 distinct uniform random strings and encodes n0 of them 0 and n1 of them 1: n0/n1 = 5/15, "
    "8/12, 15/5 and 12/8 for ρ0/ρ1 = 1/3, 2/3, 3, 3/2. Light curves are each run's group means, bold ones their mean "
    "over runs",
    "hierarchy": "Fig. 6 (group sizes not stated): g0 = 10 uniform strings encoded 0, g1 = 6 encoded 1 and g2 = 4 encoded "
    "0, all of g1 and g2 drawn uniformly from Hamming balls around one shared center, radius 3 for g1 and 2 for g2, so "
    "that H ≤ H1 = 6 within g1 ∪ g2 and H ≤ H2 = 4 within g2 (eqs. 12-13)",
    "meanfield": "eq. (11) is integrated as df_g/de = (2η/B)[(Θ_s − Θ_c)(y_g − f_g) + Θ_c Σ_h n_h (y_h − f_h)] (eq. 10 with "
    "Θ(x_j, x_i) replaced by its mean over distinct pairs Θ_c, keeping each point's own Θ_s), B = 20, per run from its "
    "measured f_g and Θ at epoch 0 (aging ignored, as the paper says), and averaged over runs. It follows the network "
    "when the worst group's RMS gap is at most 0.05",
    "mnist": "Figs. 8-9: a 28×28 MNIST image, pixels scaled to [0, 1], → 3 × Conv2D(8, 3×3, 'valid', ELU) → Flatten → "
    "Dense(1, sigmoid), SGD 0.1 on MSE, Keras default initialisers; each run trains on one image drawn uniformly from the "
    "source, one SGD step per epoch, its target resampled every step with p(0)/p(1) = 1/5 (p(1) = 5/6); the probe's step "
    "uses y_o = 1. 20 runs x 500 epochs. The source is recorded in the json (tensorflow-datasets' 60,000 training images "
    "by default; the committed results used the offline 10,000-image file)",
    "image_kernel": "Fig. 9's kernel is Δ(x_o, x)/Δ(x_o, x_o) of 1,000 other images sampled per run without replacement, "
    "against their mean absolute pixel distance from x_o, after 500 epochs. 'Falls with distance' is tested per run on "
    "the kernel averaged in 10 equal-count distance bins (the images' counterpart of Hamming shells)",
    "trajectory_claims": "a move of a group is tested on every run's group mean between waypoints found on the "
    "ensemble-mean curves (the start, the end, or a group's extremum after the previous waypoint)",
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
# The paper's sentence behind each claim: its words verbatim, its math in $…$ (the text file renders it
# twice, as glyphs and as LaTeX). tests/test_claims_words.py finds each word run in the paper's text.
SAYS = {
    "power_law": "After the initial training phase, the size shows the power law like decay.",
    "linear": "The kernel is almost linear against the Hamming distance between the training input, $x_o$, and the affected one, $x_h$.",
    "diminished": "If the training is non-biased, $p(0)=p(1)$, the kernel slope is gradually diminished along the training.",
    "enhanced": "On the contrary, the slope is enhanced in the case of biased training, $p(0)/p(1)=1/4$.",
    "same_law": "We also tested the various conditions, shown in Fig. 2, and the results can be expressed with the same law.",
    "same_tendency": "We can confirm the same tendency in those results and the simple expression can be applied for the cases as well.",
    "clearer_with_elu": "The aging, decay in the size of the response, shows clearer power law like behavior with ELU rather than Relu.",
    "broader": "It shows broader peak around the input, $x_o$.",
    "slopes_smaller": "We should note the slopes of the response kernels are smaller than the cases without dropout.",
    "dropout": "As a more complicated response, we show the results with the dropout effect for each convolutional layer, in Fig. 3",
    "differ": "We can confirm different aging along the Hamming distances between the inputs, $x_1$ and $x_2$.",
    "pairs": "If the distance between the points is small, the agings are enhanced with each other, but the enhancement is very "
    "limited in the distant case.",
    "two_phases": "In the first, all of them go to to the majority side and then the minorities turn its direction into the other side.",
    "ratio": "In other words, the dynamics is determined just along the ratio, $ρ_0/ρ_1$.",
    "decrease_first": "Since the encoding majority is 0, all curves show a decrease at the first.",
    "accompanied": "In the second, the minor encoding group, $g_1$, turns its direction, but the last group, $g_2$, is accompanied "
    "with the movement.",
    "released": "Finally, after some epochs, the last one, $g_2$, gets released from the group, $g_1$, because the loss of the group, "
    "$g_1$, is reduced enough and the training response, $Δ(x_1, x_2)$, is diminished as well. In sum, the input space is "
    "classified as the same one at the first and the space is split into two classes in the second. The newly split class is "
    "split again along its encoding finally.",
    "clear_law": "Especially, the aging of the response size shows a clear power law.",
    "larger_exponent": "In this deterministic case, the aging exponent is larger than non-deterministic ones.",
    "diverged": "The kernels, in (B) and (D), are not converged, but diverged along the training epochs.",
    "mnist_law": "In the FIG. 8, the aging is shown and we can observe a power law decay.",
    "mnist_kernel": "The kernel is not so clear linear one but monotonically decreasing one.",
    "isolated": "To be noted, we can observe some isolated responses at the same time.",
}

# How the usual readings put the words into numbers (a claim with another reading states its own).
_POWER_LAW = "a straight line on log-log axes: the ensemble-mean aging curve at x_o decays (tau > 0) with the R² of a clear line, fitted from epoch 10"
_LINEAR = "a straight line in the Hamming distance: the ensemble-mean kernel's linear fit at every trained kernel epoch"
_SLOPE_TREND = "'gradually': |slope| of the kernel's linear fit changes monotonically over the kernel epochs (Spearman rho)"
_SLOPE_CHANGE = "'enhanced'/'diminished' against the start: every trained kernel epoch's |slope| against the untrained one"

_VARIATIONS = (("L1", {"layers": 1}), ("L5", {"layers": 5}), ("M4", {"filters": 4}), ("M16", {"filters": 16}), ("relu", {"activation": "relu"}))


def _slope_readings(slope_trend):
    """(primary, secondary) readings of a kernel slope that diminishes or is enhanced along training:
    "gradually diminished" names a course over training, read first as a monotone trend; "is enhanced"
    names no course, read first as steeper than at the start. Each keeps the other reading beside it."""
    trend = {"test": "kernel_slope_trend", "reading": _SLOPE_TREND}
    change = {"test": "kernel_slope_change", "reading": _SLOPE_CHANGE}
    return (trend, change) if slope_trend == "diminishing" else (change, trend)


def _law(label, slope_trend):
    diminishing = slope_trend == "diminishing"
    primary, secondary = _slope_readings(slope_trend)
    return (
        {
            "claim": f"after the initial phase the response size decays along a power law ({label})",
            "quote": SAYS["power_law"],
            "reading": _POWER_LAW,
            "test": "power_law",
            "window": (10, None),
            "variant": label,
        },
        {
            "claim": f"the response kernel is almost linear in the Hamming distance ({label})",
            "quote": SAYS["linear"],
            "reading": _LINEAR,
            "test": "kernel_linear",
            "variant": label,
        },
        {
            "claim": f"the kernel's slope {'diminishes' if diminishing else 'is enhanced'} along training ({label})",
            "quote": SAYS["diminished" if diminishing else "enhanced"],
            **primary,
            "secondary": secondary,
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
                    "quote": SAYS["same_law"],
                    "reading": "the same law as Fig. 1, its aging part: " + _POWER_LAW,
                    "test": "power_law",
                    "window": (10, None),
                    "variant": f"{name}_{enc}",
                }
                for name, _ in _VARIATIONS
                for enc in ("unbiased", "biased")
            ),
            *(
                {
                    "claim": f"the same law holds: an almost linear kernel ({name}, {enc})",
                    "quote": SAYS["same_law"],
                    "reading": "the same law as Fig. 1, its kernel part: " + _LINEAR,
                    "test": "kernel_linear",
                    "variant": f"{name}_{enc}",
                }
                for name, _ in _VARIATIONS
                for enc in ("unbiased", "biased")
            ),
            *(
                {
                    "claim": f"the same tendency: the kernel's slope {'diminishes' if trend == 'diminishing' else 'is enhanced'} "
                    f"along training ({name}, {enc})",
                    "quote": SAYS["same_tendency"],
                    **_slope_readings(trend)[0],
                    "secondary": _slope_readings(trend)[1],
                    "expect": trend,
                    "variant": f"{name}_{enc}",
                }
                for name, _ in _VARIATIONS
                for enc, trend in (("unbiased", "diminishing"), ("biased", "growing"))
            ),
            *(
                {
                    "claim": f"aging is a less clear power law with ReLU than with ELU ({enc})",
                    "quote": SAYS["clearer_with_elu"],
                    "reading": "'clearer power law': the R² of the log-log line through the ReLU aging curve against the ELU one of Fig. 1",
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
                    "quote": SAYS["broader"],
                    "reading": "'broader peak': the trained kernel stays higher near x_o (distances 1-4) than Fig. 1's without dropout",
                    "test": "kernel_broader",
                    "near": 4,
                    "variant": enc,
                    "reference": "2022-fig1",
                    "reference_variant": enc,
                }
                for enc in ("unbiased", "biased")
            ),
            *(
                {
                    "claim": f"with dropout the kernels' slopes are smaller than without (Fig. 1) ({enc})",
                    "quote": SAYS["slopes_smaller"],
                    "reading": "the trained kernels' mean |slope| against distance against Fig. 1's without dropout",
                    "test": "kernel_slope_smaller",
                    "variant": enc,
                    "reference": "2022-fig1",
                    "reference_variant": enc,
                }
                for enc in ("unbiased", "biased")
            ),
            *(
                {
                    "claim": f"with dropout the aging still follows a power law ({enc})",
                    "quote": SAYS["dropout"],
                    "reading": _POWER_LAW,
                    "extension": "the paper shows Fig. 3's aging but states no finding about it; the claim is this replication's",
                    "test": "power_law",
                    "window": (10, None),
                    "variant": enc,
                }
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
                {
                    "claim": f"with deterministic encoding the aging is a clear power law ({a.upper()})",
                    "quote": SAYS["clear_law"],
                    "reading": _POWER_LAW,
                    "test": "power_law",
                    "window": (10, None),
                    "variant": a,
                }
                for a in ("elu", "relu")
            ),
            {
                "claim": "the aging exponent is larger than with non-deterministic encoding (ELU, against Fig. 1 unbiased)",
                "quote": SAYS["larger_exponent"],
                "reading": "the mean per-run power-law exponent tau (fit from epoch 10) against Fig. 1 unbiased's, the standard non-deterministic case",
                "test": "exponent_differs",
                "secondary": {
                    "test": "exponent_differs",
                    "reference_variant": "biased",
                    "direction": "higher",
                    "window": (10, None),
                    "reading": "'than non-deterministic ones', the other one of Fig. 1: against Fig. 1 biased's exponent",
                },
                "direction": "higher",
                "window": (10, None),
                "variant": "elu",
                "reference": "2022-fig1",
                "reference_variant": "unbiased",
            },
            {
                "claim": "the aging exponent is larger than with non-deterministic encoding (ReLU, against Fig. 2's ReLU unbiased)",
                "quote": SAYS["larger_exponent"],
                "reading": "the mean per-run power-law exponent tau (fit from epoch 10) against Fig. 2's ReLU network with unbiased "
                "encoding, the non-deterministic case of the same network",
                "test": "exponent_differs",
                "secondary": {
                    "test": "exponent_differs",
                    "reference_variant": "relu_biased",
                    "direction": "higher",
                    "window": (10, None),
                    "reading": "'than non-deterministic ones', the other one of Fig. 2's ReLU runs: against its biased encoding",
                },
                "direction": "higher",
                "window": (10, None),
                "variant": "relu",
                "reference": "2022-fig2",
                "reference_variant": "relu_unbiased",
            },
            *(
                {
                    "claim": f"the kernels do not converge but drift along training ({a.upper()})",
                    "quote": SAYS["diverged"],
                    "reading": "'not converged, but diverged': the kernel's distance from its untrained shape keeps growing over the kernel epochs",
                    "test": "kernel_drift",
                    "variant": a,
                }
                for a in ("elu", "relu")
            ),
        ),
    },
)


# Figs. 4-6 train on sets of points: every pair of points is probed (step, Θ and the predictions).
_DATASET_PROBE = {"kinds": ("step", "ntk", "output"), "schedule": "log"}

_PAIR_VARIANTS = tuple(
    {
        "label": f"{enc['label']}_H{h}",
        "training": {**enc["training"], "dataset": {"kind": "two_points", "distance": h, "alpha": 0.01}},
    }
    for enc in _ENCODINGS
    for h in (1, 12)
)

# Fig. 5's ratios ρ0/ρ1 as (label, n0, n1) of 20 points, in the paper's panel order.
_RATIOS = (("rho1to3", "1/3", 5, 15), ("rho2to3", "2/3", 8, 12), ("rho3to1", "3", 15, 5), ("rho3to2", "3/2", 12, 8))
# The same ratios with other group sizes (ρ0 and ρ1 changed, their ratio not): "determined just along the ratio".
_SAME_RATIOS = (
    ("rho1to3_small", "rho1to3", 3, 9),
    ("rho2to3_small", "rho2to3", 4, 6),
    ("rho3to1_small", "rho3to1", 9, 3),
    ("rho3to2_small", "rho3to2", 6, 4),
)


def _two_phases(label, n0, n1):
    """Fig. 5's claims for one ratio: the minority first follows the majority, then turns."""
    minority = 0 if n0 < n1 else 1
    towards_majority = "up" if n1 > n0 else "down"
    extremum = ["max" if towards_majority == "up" else "min", minority]
    back = "down" if towards_majority == "up" else "up"
    return (
        {
            "claim": f"first all predictions go to the majority side: the minority group g{minority} moves {towards_majority} ({label})",
            "quote": SAYS["two_phases"],
            "reading": "the minority group's mean prediction first moves toward the majority's label (up to its extremum)",
            "test": "group_move",
            "group": minority,
            "path": ["start", extremum],
            "direction": towards_majority,
            "variant": label,
        },
        {
            "claim": f"then the minority group g{minority} turns its direction to its own encoding ({label})",
            "quote": SAYS["two_phases"],
            "reading": "after its extremum the minority group's mean prediction moves back toward its own label, to the end",
            "test": "group_move",
            "secondary": {
                "test": "group_side",
                "group": minority,
                "reading": "'into the other side': the minority group's mean prediction ends past 0.5, on its own label's side",
            },
            "group": minority,
            "path": ["start", extremum, "end"],
            "direction": back,
            "variant": label,
        },
        {
            "claim": f"the mean-field model (eq. 11) with the measured response scale follows the group means ({label})",
            "quote": SAYS["ratio"],
            "reading": "eq. (11) integrated with each run's measured Θ at epoch 0 tracks the network's group means (worst RMS)",
            "extension": "the paper derives the mean-field model's two phases but never integrates eq. (11) against the "
            "network; the quantitative agreement is this replication's",
            "test": "meanfield_agreement",
            "batch_size": 32,
            "variant": label,
        },
    )


FIGURES += (
    {
        **_BASE,
        "id": "2022-fig4",
        "name": "fig4",
        "title": "Two-point training (α = 0.01): size difference of the normalized responses of x2 and x1",
        "training": {**_BASE["training"], "dataset": {"kind": "two_points", "distance": 1, "alpha": 0.01}},
        "probe": _DATASET_PROBE,
        "replicas": 30,
        "kernel_epochs": (0,),
        "variants": _PAIR_VARIANTS,
        "panels": tuple(
            {"panel": "pair_difference", "variant": v["label"], "title": f"({panel}) {v['label'].replace('_H', ', H = ')}"}
            for panel, v in zip("ABCD", _PAIR_VARIANTS)
        ),
        "claims": tuple(
            claim
            for enc in ("unbiased", "biased")
            for claim in (
                {
                    "claim": f"the agings differ along the Hamming distance between x1 and x2 ({enc})",
                    "quote": SAYS["differ"],
                    "reading": "the plotted size difference of x2's and x1's normalized responses at the last epoch, H = 1 against H = 12",
                    "test": "pair_difference_differs",
                    "variant": f"{enc}_H1",
                    "reference_variant": f"{enc}_H12",
                },
                {
                    "claim": f"close points (H = 1) enhance each other's aging: x2 ages more than at H = 12 ({enc})",
                    "quote": SAYS["pairs"],
                    "reading": "one way, as the caption's 'almost one way interaction' (α = 0.01): x2's log normalized response "
                    "at the last epoch is lower at H = 1 than at H = 12",
                    "test": "pair_aging_enhanced",
                    "secondary": {
                        "test": "pair_aging_enhanced",
                        "point": 0,
                        "reading": "'with each other', both ways: x1's log normalized response at the last epoch is lower at H = 1 too",
                    },
                    "variant": f"{enc}_H1",
                    "reference_variant": f"{enc}_H12",
                },
                {
                    "claim": f"the enhancement is very limited for distant points (H = 12) ({enc})",
                    "quote": SAYS["pairs"],
                    "reading": "at H = 12, x2's mean log-decay is at most half of x1's (x2 hardly aged by x1's training)",
                    "test": "pair_aging_limited",
                    "variant": f"{enc}_H12",
                },
            )
        ),
    },
    {
        **_BASE,
        "id": "2022-fig5",
        "name": "fig5",
        "title": "Learning dynamics of 20 encoded points, ρ0/ρ1 = 1/3, 2/3, 3, 3/2, with the mean-field model",
        "training": {**_BASE["training"], "point_target": None, "encoding": None, "encoding_params": {}},
        "probe": _DATASET_PROBE,
        "replicas": 20,
        "kernel_epochs": (0,),
        "variants": tuple(
            {
                "label": label,
                "training": {
                    "dataset": {"kind": "groups", "batch_size": 32, "groups": ({"size": n0, "target": 0}, {"size": n1, "target": 1})}
                },
            }
            for label, n0, n1 in (*((label, n0, n1) for label, _, n0, n1 in _RATIOS), *((label, n0, n1) for label, _, n0, n1 in _SAME_RATIOS))
        ),
        "panels": tuple(
            {
                "panel": "group_trajectories",
                "variant": label,
                "title": f"({panel}) ρ0/ρ1 = {ratio}",
                "groups": ("g0 (encoded 0)", "g1 (encoded 1)"),
                "colors": ("tab:red", "black"),
                "meanfield": True,
            }
            for panel, (label, ratio, _, _) in zip("ABCD", _RATIOS)
        ),
        "claims": (
            *(c for label, _, n0, n1 in _RATIOS for c in _two_phases(label, n0, n1)),
            *(
                {
                    "claim": f"the group means follow the same course at the same ratio with other group sizes ({n0}/{n1} against {label})",
                    "quote": SAYS["ratio"],
                    "reading": "'determined just along the ratio': the ensemble-mean group means of a set with the same ρ0/ρ1 and other "
                    "group sizes against the figure's set, over all measured epochs",
                    "test": "trajectories_match",
                    "variant": small,
                    "reference_variant": label,
                }
                for small, label, n0, n1 in _SAME_RATIOS
            ),
        ),
    },
    {
        **_BASE,
        "id": "2022-fig6",
        "name": "fig6",
        "title": "Hierarchical groups: g0 (0), g1 (1) within H1 = 6, g2 (0) within H2 = 4",
        "training": {
            **_BASE["training"],
            "point_target": None,
            "encoding": None,
            "encoding_params": {},
            "dataset": {
                "kind": "groups",
                "batch_size": 32,
                "groups": ({"size": 10, "target": 0}, {"size": 6, "target": 1, "radius": 3}, {"size": 4, "target": 0, "radius": 2}),
            },
        },
        "probe": _DATASET_PROBE,
        "replicas": 20,
        "kernel_epochs": (0,),
        "panels": (
            {
                "panel": "group_trajectories",
                "variant": "",
                "title": "group means",
                "groups": ("g0 (encoded 0)", "g1 (encoded 1)", "g2 (encoded 0)"),
                "colors": ("tab:red", "tab:green", "tab:blue"),
                "meanfield": False,
            },
        ),
        "claims": (
            {
                "claim": "since the majority encoding is 0, all curves decrease first: g1 (encoded 1) moves down",
                "quote": SAYS["decrease_first"],
                "reading": "g1's mean prediction (the group whose own label is 1) first moves down, to its minimum",
                "test": "group_move",
                "group": 1,
                "path": ["start", ["min", 1]],
                "direction": "down",
            },
            {
                "claim": "then the minority group g1 turns its direction (up)",
                "quote": SAYS["accompanied"],
                "reading": "after its minimum g1's mean prediction moves up, to the end",
                "test": "group_move",
                "group": 1,
                "path": ["start", ["min", 1], "end"],
                "direction": "up",
            },
            {
                "claim": "g2 (encoded 0) is accompanied with g1's movement: it moves up after g1 turns",
                "quote": SAYS["accompanied"],
                "reading": "after g1's minimum, g2's mean prediction rises with g1 to its own maximum",
                "test": "group_move",
                "group": 2,
                "path": ["start", ["min", 1], ["max", 2]],
                "direction": "up",
            },
            {
                "claim": "finally g2 is released from g1 and moves down to its own encoding",
                "quote": SAYS["released"],
                "reading": "after its maximum g2's mean prediction moves down toward its own label 0, to the end",
                "test": "group_move",
                "secondary": {
                    "test": "group_side",
                    "group": 2,
                    "reading": "'split again along its encoding': g2's mean prediction ends below 0.5, on its own label's side",
                },
                "group": 2,
                "path": ["start", ["min", 1], ["max", 2], "end"],
                "direction": "down",
            },
        ),
    },
)

_MNIST = {
    **_BASE,
    "model": {"builder": "nakazato2022_images", "activation": "elu", "image_shape": (28, 28), "layers": 3, "filters": 8, "dropout": 0.0},
    "training": {"inputs": "mnist", "point_target": "one", "encoding": "bernoulli", "encoding_params": {"p1": 5 / 6}},
    "replicas": 20,
    "epochs": 500,
    "kernel_epochs": (0, 500),
}

FIGURES += (
    {
        **_MNIST,
        "id": "2022-fig8",
        "name": "fig8",
        "title": "MNIST: aging of the training response, one colour per run",
        "probe": {"images": 0, "kinds": ("step", "ntk"), "aging_kind": "step", "schedule": "log"},
        "panels": ({"panel": "aging_runs", "variant": "", "title": "aging"},),
        "claims": (
            {
                "claim": "the response size decays along a power law",
                "quote": SAYS["mnist_law"],
                "reading": _POWER_LAW,
                "test": "power_law",
                "window": (10, None),
            },
        ),
    },
    {
        **_MNIST,
        "id": "2022-fig9",
        "name": "fig9",
        "title": "MNIST: response kernels of 1,000 sampled images against the mean pixel distance",
        "probe": {"images": 1000, "kinds": ("step", "ntk"), "aging_kind": "step", "schedule": "kernel"},
        "panels": ({"panel": "image_kernel", "variant": "", "title": "response kernel"},),
        "claims": (
            {
                "claim": "the response kernel falls with the mean pixel distance between the images",
                "quote": SAYS["mnist_kernel"],
                "reading": "'monotonically decreasing': per run, the kernel in 10 equal-count bins of pixel distance falls (Spearman rho)",
                "test": "image_kernel_decreasing",
            },
            {
                "claim": "the response kernel is not a clear straight line in the mean pixel distance",
                "quote": SAYS["mnist_kernel"],
                "reading": "'not so clear linear': per run, the R² of a straight line through the kernel in 10 equal-count bins of pixel "
                "distance; the median over runs short of a clear line's",
                "test": "image_kernel_not_linear",
            },
            {
                "claim": "some isolated responses stand apart from the kernel",
                "quote": SAYS["isolated"],
                "reading": "'isolated responses': per run, probe images whose kernel lies far (5 robust s.d.) from the others in its "
                "bin of pixel distance; the mean share over runs",
                "test": "isolated_responses",
            },
        ),
    },
)

FIGURES = tuple(sorted(FIGURES, key=lambda spec: int(spec["name"].removeprefix("fig"))))
