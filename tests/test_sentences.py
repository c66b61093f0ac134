"""results/CLAIMS.md accounts for every finding sentence and every claim: the inventory's sentences are the
papers' words, a sentence marked tested has a claim quoting it and one marked untested has none, every claim
of every figure quotes a listed sentence, and the committed CLAIMS.md names exactly the claims of the
committed jsons (and is what `report` writes from them)."""

import os
import re

import pytest

from training_response.replication import figures, report, sentence_map
from training_response.replication.claims.sentences import NOT_TESTED, SENTENCES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "results")
PAPERS = os.path.join(ROOT, "..", "shared", "papers")
TEXTS = {
    "nakazato2022": "nakazato2022-training-response-law.txt",
    "nakazato2024": "nakazato2024-simple-theory-of-training-response.txt",
    "nakazato2023": "nakazato-author-abstracts.txt",
}
CONFIG_CLAIMS = [(fig.paper, fig.id, claim) for fig in figures.FIGURES.values() for claim in fig.claims]


def _words(text):
    return re.sub(r"\s+", " ", text).strip()


def test_every_reason_is_declared_and_every_sentence_listed_once():
    for paper, sentences in SENTENCES.items():
        texts = [s for s, _ in sentences]
        assert len(texts) == len(set(texts)), paper
        assert all(reason is None or reason in NOT_TESTED for _, reason in sentences), paper


@pytest.mark.skipif(not os.path.isdir(PAPERS), reason="the papers' text is not beside this checkout")
@pytest.mark.parametrize("paper", sorted(SENTENCES))
def test_every_sentence_is_the_papers_own_words_in_the_papers_order(paper):
    text = _words(open(os.path.join(PAPERS, TEXTS[paper])).read())
    at = 0
    for sentence, _ in SENTENCES[paper]:
        for piece in re.split(r"\$[^$]*\$", sentence):
            piece = _words(piece).strip(" ,.")
            if piece:
                found = text.find(piece, at)
                assert found >= 0, f"{paper}: {piece!r} (of {sentence!r}) is not in the paper after position {at}"
                at = found


@pytest.mark.parametrize("paper", sorted(SENTENCES))
def test_a_sentence_is_tested_exactly_when_a_claim_quotes_it(paper):
    for sentence, reason in SENTENCES[paper]:
        quoting = [f"{fid}: {c['claim']}" for p, fid, c in CONFIG_CLAIMS if p == paper and sentence_map.quotes(sentence, c["quote"])]
        if reason is None:
            assert quoting, f"{sentence!r} is marked tested but no claim quotes it"
        else:
            assert not quoting, f"{sentence!r} is marked {reason!r} but {quoting} quote it"


def test_every_claim_of_every_figure_quotes_a_listed_sentence():
    for paper, fid, claim in CONFIG_CLAIMS:
        assert any(sentence_map.quotes(s, claim["quote"]) for s, _ in SENTENCES[paper]), f"{fid}: {claim['claim']}"


def test_quotes_matches_either_way_and_nothing_else():
    assert sentence_map.quotes("A b.", "A  b. C d.") and sentence_map.quotes("A b c.", "b c")
    assert not sentence_map.quotes("A b.", "C d.")


def test_the_committed_claims_md_names_exactly_the_committed_claims():
    records = report._figure_records(RESULTS)
    with open(os.path.join(RESULTS, "CLAIMS.md")) as fh:
        text = fh.read()
    assert text == sentence_map.markdown(records), "results/CLAIMS.md is out of date: run `python -m replication report`"
    ids = {cid for cid, *_ in sentence_map.claim_ids(records)}
    named = set(re.findall(r"\b(20\d\d-[a-z0-9]+#\d+)\b", text))
    assert named == ids
    assert len(ids) == sum(len(r["claims"]) for _, r in records) > 100
