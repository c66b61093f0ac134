"""results/CLAIMS.md: every finding sentence of the papers (claims/sentences.py), each with the claims that
test it (found by their quotes) or the reason it is untested, and every claim with the sentences it quotes."""

import re

from .claims.sentences import NOT_TESTED, SENTENCES

TITLES = {
    "nakazato2022": "K. Nakazato, “Training response law” (2022)",
    "nakazato2024": "K. Nakazato, “A simple theory for training response of deep neural networks” (2024)",
    "nakazato2023": "K. Nakazato, the “kernel-balanced equation” paper (2023; its abstract only)",
}


def _words(text):
    return re.sub(r"\s+", " ", text).strip()


def quotes(sentence, quote):
    """Whether a claim's quote holds the sentence (a quote of several sentences) or the sentence holds the
    quote (a quote of part of one)."""
    sentence, quote = _words(sentence), _words(quote)
    return sentence in quote or quote in sentence


def claim_ids(records):
    """[(id, paper, figure record, claim)] of every claim in the figure records, id `<figure>#<n>` for the
    figure's n-th claim (1-based, the json's order)."""
    return [(f"{r['figure']}#{n}", r["config"]["paper"], r, claim) for _, r in records for n, claim in enumerate(r["claims"], 1)]


def _cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(records):
    """CLAIMS.md's text from the figure records (report._figure_records)."""
    claims = claim_ids(records)
    lines = [
        "# Every finding sentence of the papers, and what tests it",
        "",
        "Written by `python -m replication report` from `replication/claims/sentences.py` and the figures' jsons. Every",
        "sentence of the papers' results and discussion that states a finding is listed in the paper's order, with the",
        "claims whose quote holds it, or the reason no claim tests it. A claim id `<figure>#<n>` is that figure's n-th",
        "claim, in its json's and REPORT.md's order; an extension is this replication's own claim about the sentence.",
        "",
        "| paper | sentences | tested | " + " | ".join(NOT_TESTED) + " |",
        "|---" * (3 + len(NOT_TESTED)) + "|",
    ]
    for paper, sentences in SENTENCES.items():
        reasons = [reason for _, reason in sentences]
        tested = reasons.count(None)
        lines.append(f"| {paper} | {len(sentences)} | {tested} | " + " | ".join(str(reasons.count(k)) for k in NOT_TESTED) + " |")
    lines += ["", "Why a sentence is untested:", ""] + [f"- {key}: {text}" for key, text in NOT_TESTED.items()]
    for paper, sentences in SENTENCES.items():
        lines += ["", f"## {TITLES[paper]}", "", "| # | the paper's sentence | tested by (claim id: verdict) or why not |", "|---|---|---|"]
        for n, (sentence, reason) in enumerate(sentences, 1):
            found = [f"{cid}: {c['verdict']}" + (" (extension)" if c.get("extension") else "") for cid, p, _, c in claims if p == paper and quotes(sentence, c["quote"])]
            if not found:
                found = [f"untested: {reason}" if reason else "its claims' figures have no results here"]
            lines.append(f"| {n} | {_cell(sentence)} | {'; '.join(found)} |")
    lines += ["", "## Every claim and the sentences it quotes", "", "| claim id | claim | sentences (paper, #) |", "|---|---|---|"]
    for cid, paper, _, claim in claims:
        held = [f"{paper} #{n}" for n, (sentence, _) in enumerate(SENTENCES.get(paper, ()), 1) if quotes(sentence, claim["quote"])]
        lines.append(f"| {cid} | {_cell(claim['claim'])} | {', '.join(held) or 'none'} |")
    return "\n".join(lines) + "\n"
