"""Train the learned rewriter (``hypecheck rewriter train``) on the train split's rewrite pairs.

Each pair becomes word tags (:func:`hypecheck.models.edits.tags_for`); phrases written at least
twice form the vocabulary. The tagger reads the scoring model's own word states, from the runtime
that serves it, so it learns from what it will see. The words an out-of-vocabulary phrase replaces
teach nothing (their loss is masked): the tagger learns deletions it can complete, not half-edits. On the
validation split's overclaims the learned edits and the rules are each checked by the model, and
each reason prefers whichever passed more often.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from hypecheck.models.edits import Tag, edit_runs, phrases, tags_for
from hypecheck.models.prediction import Predictor
from hypecheck.models.rewriter import Rewriter
from hypecheck.models.scoring import ScoreOptions
from hypecheck.models.suggestions import candidates, checked
from hypecheck.training.rewrite_pairs import RewritePair

log = logging.getLogger(__name__)
MIN_COUNT = 2  # a phrase written at least this often joins the vocabulary
HIDDEN = 256
EPOCHS = 60
IGNORE = -100


def vocabulary(tagged: Sequence[list[Tag]], limit: int = 500) -> list[str]:
    counts = Counter(p for tags in tagged for p in phrases(tags))
    return ["", *(p for p, n in counts.most_common(limit) if n >= MIN_COUNT)]


def _targets(tagged: Sequence[list[Tag]], vocab: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Keep and phrase targets per word. Words replaced by a phrase outside the vocabulary are
    masked for both heads: the tagger cannot write that phrase, so it must not learn to delete
    their words either (deleting without the replacement is what makes a rewrite ungrammatical)."""
    index = {p: i for i, p in enumerate(vocab)}
    keep: list[int] = []
    phrase: list[int] = []
    for tags in tagged:
        unwritable = False
        for tag in tags:
            if tag.phrase:
                unwritable = tag.phrase not in index
            elif tag.keep:
                unwritable = False
            keep.append(IGNORE if unwritable else int(tag.keep))
            phrase.append(IGNORE if unwritable else index.get(tag.phrase, IGNORE))
    return np.array(keep), np.array(phrase)


def _fit(
    states: np.ndarray, keep: np.ndarray, phrase: np.ndarray, vocab_size: int, seed: int
) -> dict[str, np.ndarray]:
    """The tagger MLP, trained full-batch-shuffled with Adam; its weights as numpy arrays."""
    import torch
    from torch import nn

    torch.manual_seed(seed)
    hidden = nn.Linear(states.shape[1], HIDDEN)
    heads = {"keep": nn.Linear(HIDDEN, 2), "phrase": nn.Linear(HIDDEN, vocab_size)}
    modules = nn.ModuleDict({"hidden": hidden, **heads})
    optimiser = torch.optim.AdamW(modules.parameters(), lr=1e-3, weight_decay=1e-4)
    x = torch.from_numpy(states).float()
    y_keep, y_phrase = torch.from_numpy(keep), torch.from_numpy(phrase)
    dropout = nn.Dropout(0.2)
    for _ in range(EPOCHS):
        for batch in torch.randperm(len(x)).split(256):
            h = dropout(nn.functional.gelu(hidden(x[batch]), approximate="tanh"))
            loss = nn.functional.cross_entropy(
                heads["keep"](h), y_keep[batch], ignore_index=IGNORE
            ) + nn.functional.cross_entropy(heads["phrase"](h), y_phrase[batch], ignore_index=IGNORE)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return {name: value.detach().numpy().astype(np.float32) for name, value in modules.state_dict().items()}


def _preference(predictor: Predictor, pairs: Sequence[RewritePair]) -> dict[str, dict[str, Any]]:
    """Per reason, how often each source's rewrites passed the check on ``pairs``."""
    items = [(p.source, p.context, p.reasons) for p in pairs]
    options = candidates(predictor, items)
    rule = ScoreOptions().rule(predictor.info)
    by_source = {
        origin: checked(predictor, items, [[o for o in found if o[1] == origin] for found in options], rule)
        for origin in ("learned", "rules")
    }
    table: dict[str, dict[str, Any]] = {}
    for reason in predictor.info.reasons:
        rows = [k for k, p in enumerate(pairs) if reason in p.reasons]
        if rows:
            rates = {
                origin: sum(found[k] is not None for k in rows) / len(rows)
                for origin, found in by_source.items()
            }
            table[reason] = {"n": len(rows), **{k: round(v, 3) for k, v in rates.items()}}
            table[reason]["prefer"] = "rules" if rates["rules"] > rates["learned"] else "learned"
    return table


def train_rewriter(
    predictor: Predictor, pairs: Sequence[RewritePair], *, seed: int = 0
) -> tuple[Rewriter, dict[str, Any]]:
    """A rewriter for ``predictor``'s encoder from ``pairs`` (train split to learn, validation to
    choose per reason), and what it was trained on."""
    train = [p for p in pairs if p.split == "train" and p.target]
    tagged_pairs = [(p, tags) for p in train if (tags := tags_for(p.source, p.target or "")) is not None]
    tagged = [tags for _, tags in tagged_pairs]
    vocab = vocabulary(tagged)
    states = predictor.word_states([p.source for p, _ in tagged_pairs], [p.context for p, _ in tagged_pairs])
    if states is None:
        raise ValueError("this runtime gives no token states (re-export the bundle with `hypecheck export`)")
    keep, phrase = _targets(tagged, vocab)
    edits = Counter(edit for p, tags in tagged_pairs for edit in edit_runs(p.source, tags))
    allowed = {edit for edit, n in edits.items() if n >= MIN_COUNT}
    rewriter = Rewriter(vocab, _fit(np.concatenate(states), keep, phrase, len(vocab), seed), allowed, {})
    predictor.rewriter = rewriter  # type: ignore[attr-defined]
    per_reason = _preference(predictor, [p for p in pairs if p.split == "validation"])
    rewriter.preference = {reason: row["prefer"] for reason, row in per_reason.items()}
    record = {
        "pairs": len(train),
        "tagged": len(tagged_pairs),
        "vocabulary": len(vocab),
        "words": len(keep),
        "words_masked": int(np.sum(keep == IGNORE)),
        "edits_allowed": len(allowed),
        "validation_pass_rate": per_reason,
    }
    log.info("rewriter: %s", record)
    return rewriter, record
