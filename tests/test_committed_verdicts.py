"""The committed results keep the decision rule: every figure json under results/ (figures, robustness
variants, sweep points) is read back, and each claim's verdict is re-derived from its stored decision
with an implementation of the rule written here, independently of replication/claims/verdicts.py.

Also: every claim carries the paper's words, its reading and its effect sizes, and the words are the
paper's (found in the papers' text where ../shared/papers is present)."""

import glob
import json
import math
import os
import re

import pytest

from training_response.replication import figures

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "results")
PAPERS = os.path.join(ROOT, "..", "shared", "papers")


def _figure_jsons():
    records = []
    for path in sorted(glob.glob(os.path.join(RESULTS, "**", "*.json"), recursive=True)):
        with open(path) as fh:
            record = json.load(fh)
        if isinstance(record, dict) and "figure" in record and "claims" in record:
            records.append((os.path.relpath(path, ROOT), record))
    return records


RECORDS = _figure_jsons()


def _inside(bound, low, high):
    """Whether every value of [low, high] satisfies the bound (written out case by case)."""
    op, limit, center = bound["op"], bound["limit"], bound.get("center", 0.0)
    if op == ">=":
        return low >= limit
    if op == ">":
        return low > limit
    if op == "<=":
        return high <= limit
    if op == "<":
        return high < limit
    if op == "within":
        return center - limit <= low and high <= center + limit
    if op == "outside":
        return low > center + limit or high < center - limit
    raise AssertionError(f"unknown bound {op}")


def _finite(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _expected(decision):
    """A decision's verdict from its stored value(s), interval(s) and bounds."""
    interval = decision["ci95"] if decision["ci95"] is not None else [decision["value"]] * 2
    not_interval = interval
    if "not_quantity" in decision:
        not_interval = decision["not_ci95"] if decision["not_ci95"] is not None else [decision["not_value"]] * 2
    if not all(_finite(x) for x in (*interval, *not_interval)):
        return "undefined"
    if _inside(decision["reproduced_if"], *interval):
        return "reproduced"
    return "not reproduced" if _inside(decision["not_reproduced_if"], *not_interval) else "inconclusive"


def _readings(record):
    for claim in record["claims"]:
        yield claim["claim"], claim
        if claim.get("secondary"):
            yield claim["claim"] + " (other reading)", claim["secondary"]


def test_there_are_committed_figure_results():
    assert len([r for r in RECORDS if r[0].count(os.sep) == 2]) == len(figures.FIGURES)


@pytest.mark.parametrize("path,record", RECORDS, ids=[p for p, _ in RECORDS])
def test_no_verdict_claims_more_than_its_intervals_allow(path, record):
    """Reproduced: every deciding interval lies wholly in its reproducing bound; not reproduced: one lies
    wholly in its not-reproducing bound; undefined: one is not finite; inconclusive otherwise."""
    for text, claim in _readings(record):
        assert claim["decision"], f"{path}: {text} has no decision"
        expected = [_expected(d) for d in claim["decision"]]
        assert [d["verdict"] for d in claim["decision"]] == expected, f"{path}: {text}"
        if "not reproduced" in expected:
            verdict = "not reproduced"
        elif "undefined" in expected:
            verdict = "undefined"
        else:
            verdict = "reproduced" if all(v == "reproduced" for v in expected) else "inconclusive"
        assert claim["verdict"] == verdict, f"{path}: {text}: {claim['verdict']} but its decision says {verdict}"


@pytest.mark.parametrize("path,record", RECORDS, ids=[p for p, _ in RECORDS])
def test_every_claim_holds_the_papers_words_its_reading_and_its_effect_sizes(path, record):
    for text, claim in _readings(record):
        assert claim.get("reading"), f"{path}: {text} has no reading"
        assert all("effect_size" in d for d in claim["decision"])
        assert ("decided on the 95% bootstrap interval" in claim["criterion"]) != ("no interval" in claim["criterion"])
        for d in claim["decision"]:
            assert (d["ci95"] is None) == ("no interval" in claim["criterion"]), f"{path}: {text}"
    for claim in record["claims"]:
        assert claim.get("quote"), f"{path}: {claim['claim']} has no quote"
        assert "extension" in claim


def _words(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not os.path.isdir(PAPERS), reason="the papers' text is not beside this checkout")
def test_every_quote_is_the_papers_own_words():
    """Each run of words between the $…$ math of a config's quote appears in its paper, in order."""
    texts = {
        "nakazato2022": _words(open(os.path.join(PAPERS, "nakazato2022-training-response-law.txt")).read()),
        "nakazato2024": _words(open(os.path.join(PAPERS, "nakazato2024-simple-theory-of-training-response.txt")).read()),
    }
    quotes = {(figures.get(fid).paper, claim["quote"]) for fid in figures.FIGURES for claim in figures.get(fid).claims}
    assert len(quotes) > 30
    for paper, quote in sorted(quotes):
        at = 0
        for piece in re.split(r"\$[^$]*\$", quote):
            piece = _words(piece).strip(" ,.")
            if not piece:
                continue
            found = texts[paper].find(piece, at)
            assert found >= 0, f"{paper}: {piece!r} (of {quote!r}) is not in the paper after position {at}"
            at = found + len(piece)


def test_no_two_claims_are_decided_by_the_same_number():
    """Two claims decided by one measurement would count one finding twice (as the untrained epoch-0
    kernel once decided two sign claims). Fractions with a small denominator (a share of 1 in 4 kernel
    epochs, a rank correlation of −1, a peak at distance 2) coincide by their discreteness and are left
    out; any other deciding value and interval found twice across the figures is a defect."""
    seen = {}
    for path, record in RECORDS:
        if path.count(os.sep) != 2:  # the figures themselves, not variants or sweep points of them
            continue
        for claim in record["claims"]:
            for d in claim["decision"]:
                value = d["value"]
                if not _finite(value) or any(float(value * d).is_integer() for d in range(1, 21)):
                    continue
                key = (value, *(d["ci95"] or ()))
                assert key not in seen, f"{record['figure']}: {claim['claim']} is decided by the same number as {seen[key]}"
                seen[key] = f"{record['figure']}: {claim['claim']}"
    assert len(seen) > 50


def test_every_table_row_of_the_committed_report_has_its_headers_columns():
    """A "|" inside a cell (|slope|, |K_e − K_0|) must be escaped, or the row spills into other columns."""
    header, rows = None, 0
    with open(os.path.join(RESULTS, "REPORT.md")) as fh:
        for line in fh:
            if not line.startswith("|"):
                header = None
                continue
            bars = len(re.findall(r"(?<!\\)\|", line))
            header = bars if header is None else header
            assert bars == header, f"a row with {bars - 1} columns under a header of {header - 1}: {line[:120]}"
            rows += 1
    assert rows > 100


def _robustness_study():
    """results/robustness.json, or why the test below cannot read it yet."""
    path = os.path.join(RESULTS, "robustness.json")
    if not os.path.exists(path):
        return None, "results/robustness.json is not committed"
    with open(path) as fh:
        record = json.load(fh)
    if not record.get("claims") or not all(isinstance(row.get("finding"), dict) for row in record["claims"]):
        return None, "results/robustness.json predates findings.py (its rows lack the finding dict): regenerate the study"
    return record, None


def _references_missing(record):
    """The claims of a figure record whose comparison found no reference figure in its folder."""
    return [claim["claim"] for claim in record["claims"] if claim["value"] == {"reference": None} or any(d["quantity"] == "reference" for d in claim["decision"])]


def test_the_robustness_study_rests_on_defined_references_and_counts_its_findings():
    """The committed study (results/robustness.json and the variant runs under results/robustness/):
    no variant's comparison ran without its reference figure; a finding that depends on a variant names
    only variants with a defined verdict other than the committed one; every open verdict's finding is of
    one of the four kinds and quotes its deciding value; the counts are the rows' findings counted again."""
    from training_response.replication.findings import KINDS, describe

    record, why = _robustness_study()
    if record is None:
        pytest.skip(why)
    # A variant run may miss a reference only where that reference could not run under the variant (the
    # study's "failed"): then its comparisons are undefined and say so.
    failed = {(f["figure"], f["variant"]) for f in record["failed"]}
    folders = {v.get("results"): v["name"] for fig in record["figures"].values() for v in fig["variants"]}
    for path, figure in RECORDS:
        if path.startswith(os.path.join("results", "robustness") + os.sep):
            variant = folders.get(os.path.dirname(os.path.dirname(path)))
            for claim in figure["claims"]:
                if claim["claim"] not in _references_missing(figure):
                    continue
                reference = claim["parameters"].get("reference") or figure["figure"]
                assert (reference, variant) in failed, f"{path}: {claim['claim']} compared without its reference, which did not fail"
                assert claim["verdict"] == "undefined" and "has no results here" in claim["conditional"]["why"], f"{path}: {claim['claim']}"
    recount = {}
    for row in record["claims"]:
        where = f"{row['figure']}: {row['claim']}"
        claims = [c for _, r in RECORDS if r["figure"] == row["figure"] for c in r["claims"] if c["claim"] == row["claim"]]
        reference = (claims[0]["parameters"].get("reference") or row["figure"]) if claims else None
        for run in [row["committed"], *row["runs"]]:
            if (run["deciding"] or {}).get("quantity") == "reference":
                assert (reference, run.get("variant")) in failed, f"{where}: {run.get('variant', 'committed')} has no reference"
        kind, text = row["finding"]["kind"], row["finding"]["text"]
        assert kind in KINDS, where
        base = row["committed"]["verdict"]
        if kind == "depends":
            named = text[len("depends on "):text.index(f": {base} as committed")].split(", ")
            verdicts = {run["variant"]: run["verdict"] for run in row["runs"]}
            assert named and all(verdicts.get(name) not in (None, "undefined", base) for name in named), f"{where}: {text}"
        if base in ("not reproduced", "inconclusive"):
            assert describe(row["committed"]["deciding"]) in text, f"{where}: the finding does not quote {describe(row['committed']['deciding'])}"
        recount.setdefault(row["figure"].split("-")[0], dict.fromkeys(KINDS, 0))[kind] += 1
    assert record["counts"] == recount
