"""`python -m replication report`: results/REPORT.md, written from the figures' json files alone."""

import glob
import json
import os
import re

from . import figures, sentence_map
from .claims import VERDICTS
from .claims.verdicts import Band, Bound, combine
from .files import write_json, write_text
from .findings import KINDS, describe
from .study import counts


def _short(value, ci=None):
    """A compact rendering of a claim's measured value for a table cell, with each scalar's 95%
    bootstrap interval over replicas in brackets where there is one."""
    ci = ci or {}
    if isinstance(value, dict):
        keep = {k: v for k, v in value.items() if k not in ("n_points", "prefactor")}
        parts = []
        for k, v in keep.items():
            if k == "window":
                parts.append(f"fit window epochs {v[0]:g}–{v[1]:g}")
            else:
                interval = f" [{ci[k][0]:.3g}, {ci[k][1]:.3g}]" if k in ci else ""
                parts.append(f"{k} = {_short(v)}{interval}")
        return "; ".join(parts)
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return str(value)


def _row(*cells):
    """A markdown table row; a "|" inside a cell (as in |slope| or |K_e − K_0|) is escaped so that it
    stays in its cell."""
    return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"


def _paper(figure_id):
    """The paper a figure belongs to, as the summary table names it."""
    return "2024" if figure_id.startswith("2024") else "2022"


def _origin(claim):
    """Whose claim it is: the paper's, or this replication's own extension."""
    return "extensions" if claim.get("extension") else "the paper's claims"


def _verdict_counts(records):
    """{(paper, origin): {verdict: number of claims}}; secondary readings are never counted."""
    rows = {}
    for _, r in records:
        for claim in r["claims"]:
            rows.setdefault((_paper(r["figure"]), _origin(claim)), dict.fromkeys(VERDICTS, 0))[claim["verdict"]] += 1
    return rows


def _summary_table(records):
    """Summary table: verdict counts per paper, the paper's claims and this replication's extensions in
    separate rows, and the totals of each."""
    rows = _verdict_counts(records)
    lines = ["| paper | claims of | claims | " + " | ".join(VERDICTS) + " |", "|---|---|---|" + "---|" * len(VERDICTS)]
    for (paper, origin), row in sorted(rows.items(), key=lambda item: (item[0][0] != "2024", item[0][1] == "extensions")):
        lines.append(f"| {paper} | {origin} | {sum(row.values())} | " + " | ".join(str(row[v]) for v in VERDICTS) + " |")
    for origin in ("the paper's claims", "extensions"):
        total = {v: sum(row[v] for (_, o), row in rows.items() if o == origin) for v in VERDICTS}
        lines.append(f"| **both** | **{origin}** | {sum(total.values())} | " + " | ".join(f"**{total[v]}**" for v in VERDICTS) + " |")
    return lines


def _claim_text(claim):
    return claim["claim"] + (" *(extension)*" if claim.get("extension") else "")


def _secondary_cell(claim):
    other = claim.get("secondary")
    return f"{other['verdict']} ({other['test']})" if other else "—"


def _claims_table(records):
    """One row per claim of every figure, with the size of the run that decided it and, where the words
    admit another reading, that reading's verdict (shown, not counted)."""
    lines = ["| figure | runs × epochs | claim | verdict | other reading (not counted) |", "|---|---|---|---|---|"]
    for _, r in records:
        for claim in r["claims"]:
            lines.append(_row(r["figure"], f"{r['replicas']} × {r['epochs']}", _claim_text(claim), f"**{claim['verdict']}**", _secondary_cell(claim)))
    return lines


def _with_interval(value, ci):
    """'v [low, high]': '—' for a missing value, 'no interval' for a claim decided on its value, 'interval
    undefined' where the bootstrap gave no finite one."""
    if ci is None:
        interval = " (no interval)"
    elif all(isinstance(x, (int, float)) for x in ci):
        interval = f" [{_short(ci[0])}, {_short(ci[1])}]"
    else:
        interval = " (interval undefined)"
    return f"{'—' if value is None else _short(value)}{interval}"


def _number(name, value, ci):
    return f"{name} = {_with_interval(value, ci)}"


def _deciding(claim):
    """The values that decide a claim, each with its 95% interval (or the note that it has none)."""
    parts = []
    for d in claim["decision"]:
        parts.append(_number(d["quantity"], d["value"], d["ci95"]))
        if "not_quantity" in d:
            parts.append(_number(d["not_quantity"], d["not_value"], d["not_ci95"]))
    return "; ".join(parts)


def _on_values(claim):
    """The verdict the claim's bands give its values alone, without their intervals."""

    def point(x):
        return (x, x) if isinstance(x, (int, float)) else (float("nan"),) * 2

    bands = [(Band(Bound(**d["reproduced_if"]), Bound(**d["not_reproduced_if"])), d) for d in claim["decision"]]
    return combine([band.verdict(point(d["value"]), point(d.get("not_value", d["value"]))) for band, d in bands])


def _why_changed(old, new):
    """Why a claim's verdict moved between two evaluations (old and new records of the same claim)."""
    if new["verdict"] == "undefined":
        bad = [d["quantity"] for d in new["decision"] if d["verdict"] == "undefined"]
        return f"undefined: {', '.join(bad)} or its interval is not a finite number"
    if old["test"] != new["test"]:
        return f"reading: {new.get('reading') or new['test']} (was the check {old['test']})"
    if _on_values(new) == old["verdict"]:
        return f"interval rule: on its value alone it is {old['verdict']}, but its interval ({_deciding(new)}) is not wholly inside that bound"
    if old.get("quantity") != new["quantity"]:
        return f"measurement: {new['quantity']} (was: {old.get('quantity')})"
    effects = [d["effect_size"] for d in new["decision"] if d["effect_size"] is not None]
    if effects:
        return f"effect size: the change must exceed {', '.join(f'{e:g}' for e in effects)} ({_deciding(new)})"
    return f"criterion: {new['criterion']}"


def verdict_changes(before, out):
    """Every claim whose verdict differs between the figure results in `before` (another results folder,
    e.g. an older commit's) and in `out`: old → new, and why."""
    old = {(r["figure"], c["claim"]): c for _, r in _figure_records(before) for c in r["claims"]}
    changes = []
    for _, r in _figure_records(out):
        for claim in r["claims"]:
            was = old.get((r["figure"], claim["claim"]))
            if was is not None and was["verdict"] != claim["verdict"]:
                changes.append({"figure": r["figure"], "claim": claim["claim"], "old": was["verdict"], "new": claim["verdict"], "why": _why_changed(was, claim)})
    return changes


def _changes_section(record):
    lines = [
        "",
        "## What changed in the verdicts",
        "",
        f"Every claim whose verdict moved against {record['before']}, old → new, and why"
        + (f" (`{record['command']}`):" if record.get("command") else ":"),
        "",
        "| figure | claim | old → new | why |",
        "|---|---|---|---|",
    ]
    lines += [_row(c["figure"], c["claim"], f"{c['old']} → **{c['new']}**", c["why"]) for c in record["changes"]]
    return lines


def _missing_figures(records):
    """The registered figure ids that have no result among `records`, in the registry's order."""
    present = {r["figure"] for _, r in records}
    return [fid for fid in figures.FIGURES if fid not in present]


def _figure_records(out):
    """(path, record) of every figure json one folder below `out`, in the registry's order, unknown ids last.
    Other json files there (without a figure and its claims) are not figure results and are left out."""
    records = []
    for path in sorted(glob.glob(os.path.join(out, "*", "*.json"))):
        record = _read_json(path)
        if "figure" in record and "claims" in record:
            records.append((path, record))
    order = list(figures.FIGURES)
    records.sort(key=lambda item: order.index(item[1]["figure"]) if item[1]["figure"] in order else len(order))
    return records


def _read_json(path):
    try:
        with open(path) as fh:
            return json.load(fh)
    except ValueError as error:
        raise ValueError(f"{path} is not valid json ({error}); rerun the command that wrote it") from None


def _json_if_present(path):
    return _read_json(path) if os.path.exists(path) else None


def _wall_time(run):
    """The closing line, from run_all.json's record (None when `run all` has not written one)."""
    if run is None:
        return "Total wall time of run all: not measured (`python -m replication run all` records it)"
    skipped = [fig for fig, t in run["figures"].items() if t == "skipped"]
    note = f"; {len(skipped)} figures were up to date and skipped" if skipped else ""
    return f"Total wall time of run all: {run['minutes']} min (`{run['command']}` on {run['cpu']}{note})"


# bench.json's engine rows in the report's order, each with what it runs.
ENGINE_ROWS = (
    ("engine_log_schedule", "the figures' log-spaced probe"),
    ("engine", "the probe at every epoch"),
    ("engine_conv1d", "2022-fig1's Conv1D network, the probe at every epoch"),
    ("engine_conv2d", "2022-fig8's Conv2D network (random 28×28 images), the probe at every epoch"),
)


def _engine_rate(row, machine):
    """An engine row's FLOP rate against the machine's matmul rate, for bench files that record them."""
    if "flop_per_replica_epoch" not in row:
        return ""
    return (f" {row['flop_per_replica_epoch'] / 1e6:.3g} MFLOP per replica-epoch (naive count): {row['gflops_effective']} GFLOP/s, "
            f"{row['fraction_of_matmul_rate']:.2%} of this machine's float32 matmul rate ({machine['matmul_gflops']} GFLOP/s).")


def _best_of(runs):
    """How a time was taken, for bench files that record over how many runs."""
    return f" (best of {runs} runs)" if runs > 1 else ""


def _benchmark_section(b):
    """The Benchmark section from bench.json's record; the optional parts are left out when absent."""
    p = b["probe"]
    probe = (f"`{b['command']}`: model.fit {p['fit_ms_per_epoch']} ms/epoch, with the probe over 256 points every "
             f"epoch {p['fit_with_probe_ms_per_epoch']} ms/epoch: probe overhead **{p['probe_overhead']}×** (target ≤ {p['target']}×).")
    if "forward_pass_overhead" in p:
        probe += (f" A callback that runs only one compiled forward pass over the same points at every epoch end, the least a "
                  f"measurement of them at every epoch does: {p['fit_with_forward_pass_ms_per_epoch']} ms/epoch, "
                  f"**{p['forward_pass_overhead']}×**.")
    if "minimal_measurement_overhead" in p:
        probe += (f" A callback that runs step and Θ written out by hand for this network alone (Θ from its two layers' "
                  f"structure, the step from one forward pass at the stepped weights), the least arithmetic these kinds need: "
                  f"{p['fit_with_minimal_measurement_ms_per_epoch']} ms/epoch, **{p['minimal_measurement_overhead']}×**.")
    if "probe_epoch_end_ms" in p:
        hook, forward = p["probe_epoch_end_ms"], p["forward_pass_ms"]
        probe += (f" The probe's work at one epoch end, timed outside a fit: {hook['best']} ms best, {hook['median']} ms median; one "
                  f"forward pass over the same points, compiled as the probe's measurement is: {forward['best']} ms best, "
                  f"{forward['median']} ms median.")
    lines = ["", "## Benchmark", "", probe, ""]
    for key, label in ENGINE_ROWS:
        if key in b:
            e = b[key]
            target = f" (target ≥ {e['target']}×)" if e["target"] is not None else ""
            lines.append(
                f"- Engine, {label}: {e['engine_replicas']} replicas × {e['epochs']} epochs at "
                f"{e['engine_ms_per_replica_epoch']} ms per replica-epoch{_best_of(e.get('engine_runs', 1))} against {e['fit_ms_per_replica_epoch']} ms "
                f"through model.fit ({e['fit_replicas']} replicas): speedup **{e['speedup']}×**{target}.{_engine_rate(e, b.get('machine'))}"
                + (f" The measurement costs {e['measurement_in_forward_passes']} forward passes over the probe points." if "measurement_in_forward_passes" in e else "")
            )
    j = b.get("jax_reference")
    if j is not None and "status" not in j:
        d = ", ".join(f"{k} {v:.1e}" for k, v in j["scale_relative_difference"].items())
        lines.append(
            f"- JAX reference (jax {j['jax']}, {j['replicas']} replicas × {j['epochs']} epochs, the probe at every epoch): "
            f"{j['jax_ms_per_replica_epoch']} ms per replica-epoch{_best_of(j.get('runs', 1))}; the engine is **{j['engine_faster_by']}×** faster (target ≥ "
            f"{j['target']}×). Same numbers: largest scale-relative difference from the engine ({j['check']}) {d}."
        )
    elif j is not None:
        lines.append(f"- JAX reference: {j['status']}.")
    for name, w in b.get("probe_workloads", {}).items():
        floor = f" (one forward pass per epoch: {w['forward_pass_overhead']}×)" if "forward_pass_overhead" in w else ""
        lines.append(f"- Probe overhead, {name} ({w['workload']}): {w['fit_ms_per_epoch']} → {w['fit_with_probe_ms_per_epoch']} ms/epoch, {w['probe_overhead']}×{floor}.")
    for row in b.get("large_model", {}).get("rows", []):
        lines.append(
            f"- ResNet-50 (64×64×3, one-unit head), Θ at {row['points']} probe images in chunks of {row['chunk']}: "
            f"{row['seconds_per_measurement']} s per measurement, {row['measurement_peak_mib']} MiB peak above the model."
        )
    for key, row in b.get("dropout_step", {}).items():
        if key.startswith("epoch_"):
            lines.append(
                f"- Dropout 0.2 (2022 Fig. 3 network), after {key[6:]} epochs on x_o: one masked training step lies "
                f"{row['one_masked_step_median']} (median relative L2) from the probe's inference-mode step, the mean of the "
                f"masked steps {row['mean_of_masked_steps']}."
            )
    return lines


def _diagnostics_lines(diagnostics):
    """A paragraph per variant (or one for a figure without variants) with the probe's own checks."""
    # A figure without variants stores its diagnostics at the top; one with variants, one dict per variant.
    per_variant = {"": diagnostics} if "aging_fit_of_2_eta_ntk" in diagnostics else diagnostics
    lines = []
    for label, d in per_variant.items():
        if not d:
            continue
        fit, ratio = d["aging_fit_of_2_eta_ntk"], d["step_over_2_eta_ntk_at_x_o"]
        lines += [
            "",
            f"Diagnostics{f' ({label})' if label else ''}: the aging of 2ηΘ(x_o, x_o) fits τ = {_short(fit['tau'])} "
            f"(R² = {_short(fit['r2'])}); the exact step over 2ηΘ at x_o, at epochs {ratio['epochs']}, ranges over "
            f"replicas from {_short(ratio['min'])} to {_short(ratio['max'])}.",
        ]
    return lines


_PER_EPOCH = re.compile(r"^(.+)_e(\d+)$")


def _per_epoch_lines(r):
    """A table of the claims' per-epoch values (keys `<name>_e<epoch>`, each with its 95% interval), one row
    per variant and epoch, one column per name; none when no claim has any."""
    cells, names = {}, []
    for claim in r["claims"]:
        for key, value in claim["value"].items():
            match = _PER_EPOCH.match(key)
            if not match or not isinstance(value, (int, float)):
                continue
            name, epoch = match.group(1), int(match.group(2))
            names += [name] if name not in names else []
            cells.setdefault((claim["parameters"].get("variant", ""), epoch), {})[name] = _with_interval(value, claim["ci95"].get(key))
    if not cells:
        return []
    lines = ["", "Per kernel epoch (ensemble medians of the runs' values [95% CI]):", "", _row("variant", "epoch", *names), "|---" * (len(names) + 2) + "|"]
    lines += [_row(variant or "—", epoch, *(row.get(n, "") for n in names)) for (variant, epoch), row in cells.items()]
    return lines


def _figure_section(path, r, out):
    """A figure's section: its image (linked relative to `out`), its run, its claims table, diagnostics
    and assumptions."""
    config = r["config"]
    lines = [
        "",
        f"## {r['figure']}: {r['title']}",
        "",
        f"![{r['figure']}]({os.path.relpath(path[:-5] + '.png', out)})",
        "",
        f"- command: `{r['command']}` ({r['seconds']} s, engine {r['engine']}, tensorflow {r['versions']['tensorflow']})",
        f"- model: {json.dumps(config['model'])}; training: {json.dumps(config['training'])}",
        "",
        *([f"- MNIST: {r['mnist']['source']} (the paper: {r['mnist']['paper']})"] if "mnist" in r else []),
        "",
        "| claim | the paper's words | reading | deciding value [95% CI] | criterion | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for claim in r["claims"]:
        words = f"“{claim['quote']}”" + (f" Extension: {claim['extension']}." if claim.get("extension") else "")
        lines.append(_row(claim["claim"], words, claim["reading"], _deciding(claim), claim["criterion"], f"**{claim['verdict']}**"))
        other = claim.get("secondary")
        if other:
            lines.append(_row("↳ the other reading (not counted)", "", other["reading"], _deciding(other), other["criterion"], other["verdict"]))
    lines += _per_epoch_lines(r)
    lines += _diagnostics_lines(r.get("diagnostics") or {})
    lines += ["", "Assumptions where the paper is silent:", ""]
    lines += [f"- {key}: {text}" for key, text in config["assumptions"].items()]
    return lines


def _sweep_section(path, sweep, out):
    """A sweep's table: one row per grid point, its settings, τ [95% interval], the verdicts counted."""
    names = [name for name, _ in sweep["grid"]]
    folder = os.path.relpath(os.path.dirname(path), out)
    lines = [
        "",
        f"## Sweep: {sweep['figure']} over {' × '.join(names)}",
        "",
        f"![{sweep['figure']} sweep]({folder}/sweep.png)",
        "",
        f"- command: `{sweep['command']}` ({sweep['replicas']} runs × {sweep['epochs']} epochs per point, {sweep['seconds']} s, {sweep['runner']})",
        "",
        f"| {' | '.join(names)} | τ [95% CI] | {' | '.join(VERDICTS)} |",
        "|" + "---|" * (len(names) + 1 + len(VERDICTS)),
    ]
    for row in sweep["points"]:
        settings = " | ".join(str(row["settings"][n]) for n in names)
        if "error" in row:
            lines.append(_row(*(row["settings"][n] for n in names), f"failed: {row['error']}", *[""] * len(VERDICTS)))
            continue
        ci = row.get("tau_ci95")
        tau = "—" if row.get("tau") is None else f"{_short(row['tau'])}" + (f" [{_short(ci[0])}, {_short(ci[1])}]" if ci else "")
        verdicts = [v["verdict"] for v in row["verdicts"]]
        counts = " | ".join(str(verdicts.count(v)) for v in VERDICTS)
        lines.append(f"| {settings} | {tau} | {counts} |")
    return lines


def _variants_cell(entry):
    """A figure's variants, each with why it did not run where it did not."""
    return ", ".join(v["name"] + (f" ({v['not_run']})" if "not_run" in v else "") for v in entry["variants"])


def _finding_counts(record):
    """Per paper, how many claims' findings are of each kind, over all claims and over the open ones."""
    lines = ["| paper | claims | " + " | ".join(KINDS) + " |", "|---|---|" + "---|" * len(KINDS)]
    for label, rows in (("all", record["claims"]), ("open", [r for r in record["claims"] if r["committed"]["verdict"] != "reproduced"])):
        for paper, kinds in counts(rows).items():
            lines.append(f"| {paper} | {label} | " + " | ".join(str(kinds[k]) for k in KINDS) + " |")
    return lines


def _conditional_cell(view):
    conditional = view.get("conditional")
    if conditional is None:
        return ""
    if "verdict" not in conditional:
        return conditional["why"]
    return f"{conditional['verdict']}, {describe(conditional['deciding'])} ({conditional['why']})"


def _robustness_section(record):
    """The robustness plan's results: each figure's committed run and variants, the findings counted per
    paper, a table per open claim (the committed run and every variant: deciding value [95% CI] and
    verdict, and for an undefined one its conditional reading) with its finding, and the reproduced
    claims' findings in one table."""
    lines = [
        "",
        "## Robustness: which unstated choice, if any, decides each claim",
        "",
        f"- command: `{record['command']}` ({record['seconds']} s with {record['workers']} process(es), skipping the runs "
        f"already up to date; the variant runs themselves took {record['run_seconds']} s in all); the plan is declared in "
        "`replication/robustness.py`, fixed before its results were seen; the criteria are the committed ones, unchanged.",
        "- Each variant is a whole figure run at the committed size unless its name says otherwise; a figure that compares "
        "with another finds that one run under the same variant. The value shown is the one that decides the claim, with "
        "its 95% interval.",
        "- Findings (`replication/findings.py`): robust (the same firm verdict under every variant); depends (a variant of "
        "an unstated choice gives another defined verdict); undetermined (inconclusive as committed and under every "
        "choice, with the runs its interval would need); undefined (a variant's value is not a finite number: the "
        "verdict over the finite replicas is shown as a conditional reading, never counted).",
        "",
        *_finding_counts(record),
        "",
        "| figure | committed run | the paper states | variants |",
        "|---|---|---|---|",
    ]
    for fig_id, entry in record["figures"].items():
        runs = entry["committed"]["replicas"]
        size = f"{runs} run{'s' if runs != 1 else ''} × {entry['committed']['epochs']} epochs"
        lines.append(_row(fig_id, size, entry["paper_states"], _variants_cell(entry)))
    open_rows = [row for row in record["claims"] if row["committed"]["verdict"] != "reproduced"]
    closed = [row for row in record["claims"] if row["committed"]["verdict"] == "reproduced"]
    lines += ["", f"### The {len(open_rows)} open verdicts", ""]
    for row in open_rows:
        lines += [
            f"**{row['figure']}: {row['claim']}** — {row['finding']['text']}.",
            "",
            "| run | deciding value [95% CI] | verdict | over the finite replicas (not counted) |",
            "|---|---|---|---|",
            _row("committed", describe(row["committed"]["deciding"]), row["committed"]["verdict"], _conditional_cell(row["committed"])),
        ]
        lines += [_row(run["variant"], describe(run["deciding"]), run["verdict"], _conditional_cell(run)) for run in row["runs"]]
        lines.append("")
    lines += [
        f"### The {len(closed)} reproduced verdicts",
        "",
        "| figure | claim | variants | finding |",
        "|---|---|---|---|",
    ]
    for row in closed:
        lines.append(_row(row["figure"], row["claim"], len(row["runs"]), row["finding"]["text"]))
    for failed in record["failed"]:
        lines.append(f"\n- failed: {failed['figure']} {failed['variant']}: {failed['error']}")
    return lines


CHANGES = "verdict_changes.json"


def write_report(out="results", before=None, command=None):
    """Writes OUT/REPORT.md. With `before` (another results folder), first records in OUT/verdict_changes.json
    every claim whose verdict moved since those results; the report shows the last such record."""
    records = _figure_records(out)
    if not records:
        raise ValueError(f"no figure results under {out!r}; run `python -m replication run ID` first")
    if before is not None:
        if not _figure_records(before):
            raise ValueError(f"no figure results under {before!r} to compare with; give the results folder of the run before")
        write_json(os.path.join(out, CHANGES), {"command": command, "before": before, "changes": verdict_changes(before, out)})
    expected = _missing_figures(records)
    lines = [
        "# Replication report",
        "",
        "Written by `python -m replication report` from the json files beside it; every number below comes from",
        "the run named in its figure's `command`. Each claim quotes the paper's sentence it tests and says how it reads",
        "it; its verdict follows one rule (`replication/claims/verdicts.py`) on the thresholds and minimum effects of",
        "`replication/claims/thresholds.py`: reproduced only when the 95% interval of the deciding value lies wholly",
        "inside the reproducing bound, not reproduced only when wholly inside the not-reproducing bound, else inconclusive;",
        "undefined when the value or its interval is not a finite number. Intervals are bootstrap intervals over the runs",
        "(1,000 resamples, and independently of a compared figure's runs); below 5 runs a claim is decided on its value.",
        "Extensions are this replication's own claims, counted apart; a claim's other reading is shown, never counted.",
        "",
        *_summary_table(records),
        "",
        *([f"Figures without results here: {', '.join(expected)}.", ""] if expected else []),
        *_claims_table(records),
    ]
    changes = _json_if_present(os.path.join(out, CHANGES))
    if changes is not None:
        lines += _changes_section(changes)
    bench = _json_if_present(os.path.join(out, "bench.json"))
    if bench is not None:
        lines += _benchmark_section(bench)
    for path, r in records:
        lines += _figure_section(path, r, out)
    for path in sorted(glob.glob(os.path.join(out, "sweeps", "*", "*", "sweep.json"))):
        lines += _sweep_section(path, _read_json(path), out)
    robustness = _json_if_present(os.path.join(out, "robustness.json"))
    if robustness is not None:
        lines += _robustness_section(robustness)
    lines += ["", _wall_time(_json_if_present(os.path.join(out, "run_all.json")))]
    text = "\n".join(lines) + "\n"
    write_text(os.path.join(out, "CLAIMS.md"), sentence_map.markdown(records))
    return write_text(os.path.join(out, "REPORT.md"), text)
