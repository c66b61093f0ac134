"""The robustness plan: for each figure, the choices the papers leave unstated (and this replication had to
make) together with their alternatives, each run as a variant of the figure; and, per claim, its verdict
under every variant beside the committed run's, with a one-line finding.

The plan is declared here, before any of its results were seen, and the claims' criteria are never
changed by it. A variant changes only what the papers do not state: the Conv1D/Conv2D kernel size and
padding, the kernel initializer (Keras' default Glorot-uniform, or He-normal), the ensemble size (up to
the 2022 paper's 100 runs) and, for the deterministic simplified system, the length of the run.
Figures with an open verdict (not reproduced or inconclusive) get their family's full set of variants;
figures whose claims are all reproduced get the first two, a cheap check that no verdict hangs on one
choice.
"""

import dataclasses
import os

from .settings import folder_name, with_settings

FINDINGS = {
    "reproduced": "robust: reproduced under every variant",
    "not reproduced": "robust: not reproduced under every variant",
    "inconclusive": "undetermined at this ensemble size: the interval spans the criterion under every variant",
    "undefined": "undefined under every variant: its deciding value or interval is not a finite number",
}


@dataclasses.dataclass(frozen=True)
class Variant:
    """One alternative to the committed run: settings (as `run --set` takes them), and an ensemble size or
    a run length other than the figure's."""

    name: str
    settings: tuple = ()
    replicas: int = None
    epochs: int = None

    def folder(self):
        sizes = {"replicas": self.replicas, "epochs": self.epochs}
        return folder_name({**dict(self.settings), **{k: v for k, v in sizes.items() if v is not None}})


KERNEL_5 = Variant("kernel size 5", (("model.kernel_size", "5"),))
SAME_PADDING = Variant("'same' padding", (("model.padding", "same"),))
HE_NORMAL = Variant("He-normal init", (("model.initializer", "he_normal"),))

# Per architecture family, the full set; the cheap check takes the first two.
CONV = (KERNEL_5, HE_NORMAL, SAME_PADDING)
DENSE = (HE_NORMAL, Variant("100 runs", replicas=100))

PLAN = {
    "2022-fig1": CONV,
    "2022-fig2": CONV,
    "2022-fig3": CONV,
    "2022-fig4": CONV + (Variant("100 runs", replicas=100),),
    "2022-fig5": CONV + (Variant("60 runs", replicas=60),),
    "2022-fig6": CONV + (Variant("100 runs", replicas=100),),
    "2022-fig7": CONV[:2],
    "2022-fig8": CONV + (Variant("100 runs", replicas=100),),
    "2022-fig9": CONV[:2],
    "2024-fig1": DENSE,
    "2024-fig2": DENSE,
    "2024-fig3": DENSE[:2],
    "2024-fig4": DENSE,
    # Deterministic: only a longer run can tell more (the power-law window runs to the last epoch).
    "2024-fig5": (Variant("10× longer run", epochs=100_000),),
    "2024-fig6": DENSE[:2],
    "2024-fig7": DENSE,
}


# The sizes the papers state. The 2022 paper gives its ensemble and epochs for Fig. 1 alone, the 2024 paper
# for none; every other committed size is the figure's assumption (its json's config.assumptions), and
# no committed run is smaller than a stated size.
STATED_SIZES = {"2022-fig1": "100 runs × 1,000 epochs"}


def variant_out(out, fig_id, variant):
    return os.path.join(out, "robustness", fig_id, variant.folder())


def _claim_key(claim):
    return claim["claim"], claim["parameters"].get("variant", "")


def headline(claim):
    """The value that decides the claim (its first, for a claim decided by several), as (name, value,
    [low, high] or None without an interval); None for a claim without a decision."""
    decision = claim.get("decision") or []
    if not decision:
        return None
    first = decision[0]
    return first["quantity"], first["value"], first["ci95"]


def finding(baseline, runs):
    """The one-line finding of a claim from its committed verdict and its verdicts under the variants
    [(variant name, verdict)]."""
    verdicts = {baseline} | {verdict for _, verdict in runs}
    if len(verdicts) == 1:
        return FINDINGS[baseline]
    differing = [f"{name} ({verdict})" for name, verdict in runs if verdict != baseline]
    return f"depends on the unstated choices: {baseline} as committed, but {', '.join(differing)}"


def claim_rows(fig_id, committed, variant_records):
    """Per claim of the figure: its committed verdict and value, each variant's, and the finding.
    `committed` is the figure's json record, `variant_records` [(Variant, record or None when it failed)]."""
    rows = []
    for claim in committed["claims"]:
        key = _claim_key(claim)
        runs = []
        for variant, record in variant_records:
            match = next((c for c in (record or {}).get("claims", []) if _claim_key(c) == key), None)
            if match is not None:
                runs.append({"variant": variant.name, "verdict": match["verdict"], "headline": headline(match)})
        rows.append(
            {
                "figure": fig_id,
                "claim": claim["claim"],
                "variant": key[1],
                "committed": {"verdict": claim["verdict"], "headline": headline(claim), "criterion": claim.get("criterion", "")},
                "runs": runs,
                "finding": finding(claim["verdict"], [(r["variant"], r["verdict"]) for r in runs]),
            }
        )
    return rows


def plan_for(fig_ids, out, plan=PLAN):
    """[(Figure, its committed json path, its variants)] for the chosen figures of `plan` (default: all),
    each variant's settings checked and each committed run present: a bad plan stops before anything runs."""
    from . import figures
    from .results_io import output_paths

    chosen = list(plan) if not fig_ids or fig_ids == ["all"] else fig_ids
    planned = []
    for fig_id in chosen:
        fig = figures.get(fig_id)
        if fig_id not in plan:
            raise ValueError(f"{fig_id} has no robustness plan; planned figures: {', '.join(plan)}")
        for variant in plan[fig_id]:
            with_settings(fig, list(variant.settings))
        committed = output_paths(fig, out)["json"]
        if not os.path.exists(committed):
            raise ValueError(f"{committed} is missing: the plan compares with the committed run; run `python -m replication run {fig_id}` first")
        planned.append((fig, committed, plan[fig_id]))
    return planned


def run_plan(planned, out, *, workers=1, mnist=None, mnist_source=None, command=None, report=None):
    """Runs every variant of the plan (finished ones skipped, as sweeps skip their points) and writes
    OUT/robustness.json: the plan, each variant run's place and seconds, and the claim rows. Returns the
    record. `mnist` and `mnist_source` are those of run.Run."""
    import json
    import time

    from .files import write_json
    from .results_io import output_paths
    from .run import Run
    from .sweep import run_many

    started = time.perf_counter()
    runs, where = [], []
    for fig, _, variants in planned:
        for variant in variants:
            figure = with_settings(fig, variant.settings)
            where_to = variant_out(out, fig.id, variant)
            runs.append(Run(figure, variant.replicas, variant.epochs, settings=variant.settings, mnist=mnist, mnist_source=mnist_source, out=where_to))
            where.append((fig.id, variant))
    rows = run_many(runs, command=command, workers=workers, report=report)
    figures_out, claims, failed = {}, [], []
    for fig, committed_path, variants in planned:
        with open(committed_path) as fh:
            committed = json.load(fh)
        records = []
        for (fig_id, variant), row in zip(where, rows):
            if fig_id != fig.id:
                continue
            if "error" in row:
                failed.append({"figure": fig_id, "variant": variant.name, "error": row["error"]})
                records.append((variant, None))
                continue
            with open(output_paths(fig, variant_out(out, fig.id, variant))["json"]) as fh:
                records.append((variant, json.load(fh)))
        figures_out[fig.id] = {
            "committed": {"replicas": committed["replicas"], "epochs": committed["epochs"], "json": committed_path},
            "paper_states": STATED_SIZES.get(fig.id, "no size: the committed one is this replication's assumption"),
            "variants": [
                {**dataclasses.asdict(v), "settings": dict(v.settings), "results": variant_out(out, fig.id, v), "seconds": (r or {}).get("seconds")}
                for v, r in records
            ],
        }
        claims += claim_rows(fig.id, committed, records)
    record = {
        "command": command,
        "seconds": round(time.perf_counter() - started, 1),
        # The variant runs' own seconds, whether this command ran them or found them up to date.
        "run_seconds": round(sum(v["seconds"] or 0 for entry in figures_out.values() for v in entry["variants"]), 1),
        "workers": workers,
        "figures": figures_out,
        "claims": claims,
        "failed": failed,
    }
    write_json(os.path.join(out, "robustness.json"), record)
    return record
