"""Running the robustness plan (robustness.py) and reading it: every variant run (finished ones skipped, as
sweeps skip their points; the figures a comparison reads run first into the same folder), then per claim
its verdict and deciding value as committed and under each variant, and its finding (findings.py), in
OUT/robustness.json."""

import json
import os
import time

from . import findings
from .robustness import STATED_SIZES, variant_runs


def _key(claim):
    return claim["claim"], claim["parameters"].get("variant", "")


def claim_rows(fig_id, committed, variant_records):
    """Per claim of the figure: its committed verdict and deciding value, each variant's, and the finding.
    `committed` is the figure's json record, `variant_records` [(Variant, record or None when not run)]."""
    rows = []
    for claim in committed["claims"]:
        base = findings.claim_view(claim)
        if claim["verdict"] == findings.INCONCLUSIVE:
            base["power"] = findings.power(claim)
        runs = []
        for variant, record in variant_records:
            match = next((c for c in (record or {}).get("claims", []) if _key(c) == _key(claim)), None)
            if match is not None:
                runs.append({"variant": variant.name, "size": variant.size, **findings.claim_view(match)})
        rows.append(
            {
                "figure": fig_id,
                "claim": claim["claim"],
                "variant": _key(claim)[1],
                "extension": bool(claim.get("extension")),
                "committed": {**base, "criterion": claim.get("criterion", "")},
                "runs": runs,
                "finding": findings.finding(base, runs),
            }
        )
    return rows


def counts(rows):
    """Per paper, how many claims' findings are of each kind."""
    table = {}
    for row in rows:
        paper = row["figure"].split("-")[0]
        table.setdefault(paper, dict.fromkeys(findings.KINDS, 0))[row["finding"]["kind"]] += 1
    return table


def _expected_seconds(run, committed):
    """A variant run's seconds, guessed from its committed run's (scaled by replicas and epochs)."""
    seconds = committed.get("seconds") or 1.0
    return seconds * run.replicas / committed["replicas"] * run.epochs / committed["epochs"]


def run_plan(planned, out, *, workers=1, mnist=None, mnist_source=None, command=None, report=None):
    """Runs every variant of the plan (robustness.plan_for) and the figures their comparisons read, and
    writes OUT/robustness.json: the plan, each run's place, seconds or why it did not run, and the claim
    rows with their findings. Returns the record. `mnist` and `mnist_source` are those of run.Run."""
    from training_response.data.mnist import tfds_unavailable

    from .files import write_json
    from .results_io import output_paths, stored_record
    from .sweep import run_many

    started = time.perf_counter()
    every = variant_runs(planned, out, mnist, mnist_source)
    offline = tfds_unavailable() if any(variant.mnist for _, variant, _, _ in every) else None
    to_run = [entry for entry in every if not (entry[1].mnist and offline)]
    committed = {}
    for fig, path, _ in planned:
        with open(path) as fh:
            committed[fig.id] = json.load(fh)
    for fig_id, _, run, _ in to_run:
        committed.setdefault(fig_id, stored_record(run.figure, out) or {"replicas": run.replicas, "epochs": run.epochs})
    seconds = {i: _expected_seconds(run, committed[fig_id]) for i, (fig_id, _, run, _) in enumerate(to_run)}
    rows = run_many([run for _, _, run, _ in to_run], command=command, workers=workers, report=report, seconds=seconds)
    status = {}
    for (fig_id, variant, run, _), row in zip(to_run, rows):
        if "error" in row:
            status[fig_id, variant] = {"error": row["error"]}
        else:
            with open(output_paths(run.figure, run.out)["json"]) as fh:
                record = with_conditional_readings(run, json.load(fh))
            status[fig_id, variant] = {"record": record, "seconds": row["seconds"], "results": run.out}
    not_run = f"not run: no network ({offline})" if offline else None
    figures_out, claims, failed = {}, [], []
    for fig, path, variants in planned:
        records = []
        for variant in variants:
            state = status.get((fig.id, variant), {"not_run": not_run})
            if "error" in state:
                failed.append({"figure": fig.id, "variant": variant.name, "error": state["error"]})
            records.append((variant, state.get("record")))
        figures_out[fig.id] = {
            "committed": {"replicas": committed[fig.id]["replicas"], "epochs": committed[fig.id]["epochs"], "json": path},
            "paper_states": STATED_SIZES.get(fig.id, "no size: the committed one is this replication's assumption"),
            "variants": [_variant_entry(variant, status.get((fig.id, variant), {"not_run": not_run})) for variant in variants],
        }
        claims += claim_rows(fig.id, committed[fig.id], records)
    references = [
        {"figure": fig_id, "variant": variant.name, **_variant_entry(variant, status.get((fig_id, variant), {"not_run": not_run}))}
        for fig_id, variant, _, planned_here in every
        if not planned_here
    ]
    record = {
        "command": command,
        "seconds": round(time.perf_counter() - started, 1),
        # The variant runs' own seconds, whether this command ran them or found them up to date.
        "run_seconds": round(sum(state.get("seconds") or 0 for state in status.values()), 1),
        "workers": workers,
        "figures": figures_out,
        "references": references,
        "claims": claims,
        "counts": counts(claims),
        "failed": failed,
    }
    write_json(os.path.join(out, "robustness.json"), record)
    return record


def with_conditional_readings(run, record):
    """The run's record with every undefined claim's conditional reading (claims.conditional_reading) made
    again from its npz by the code of today (the run may have been made before the reading changed);
    unchanged without an npz."""
    from .claims import conditional_reading, parameters, reference_for
    from .results_io import json_ready, load_figure_data, load_references, output_paths

    missing = [c for c in record["claims"] if c["verdict"] == findings.UNDEFINED]
    path = output_paths(run.figure, run.out)["npz"]
    if not missing or not os.path.exists(path):
        return record
    runs, references = load_figure_data(path), load_references(run.figure, run.out)
    configs = {(c["claim"], c.get("variant", "")): c for c in run.figure.claims}
    for claim in missing:
        config = configs[_key(claim)]
        params = parameters(config)
        data = runs[params.get("variant", "")]
        claim["conditional"] = json_ready(conditional_reading(config["test"], params, data, reference_for(params, runs, references)))
    return record


def _variant_entry(variant, state):
    entry = {
        "name": variant.name,
        "settings": dict(variant.settings),
        **{k: getattr(variant, k) for k in ("replicas", "epochs", "window", "mnist") if getattr(variant, k) is not None},
    }
    if "record" in state:
        return {**entry, "results": state["results"], "seconds": state["seconds"]}
    return {**entry, "not_run": state.get("error") or state["not_run"]}
