"""``make context-bench``: what the context segment costs and what it buys, side by side in one run.

For each word budget of the second segment (the headline's first words, the previous sentence's
last ones; whole; none at all), the served model (int8 where it passed its gate) is measured for
quality on validation and ``real_test`` (macro-F1, AUROC) and for speed, model only, on the
real sentences of ``make bench`` in 10-sentence documents, with the mean tokens it reads.

Run from the checkout: ``python -m benchmarks.context_budget [--model BUNDLE]``; needs the shared
corpora; writes ``bench/context_budget.json`` and ``.md`` in the reports folder.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

import numpy as np
from hypecheck.models.bundle import BundleInfo
from hypecheck.models.context import BUDGET, Budget
from hypecheck.models.predictors import load_predictor
from hypecheck.models.settings import Settings
from hypecheck.training.dataset import with_context
from hypecheck.training.evaluate import evaluate
from hypecheck.training.ship import held_out

from benchmarks import write_report
from benchmarks.bench import in_documents, sentence_sample, sentences_per_s

BUDGETS: dict[str, tuple[str, Budget]] = {
    "whole": ("headline+previous", (None, None)),
    f"{BUDGET[0]} + {BUDGET[1]} words (served)": ("headline+previous", BUDGET),
    "8 + 10 words": ("headline+previous", (8, 10)),
    "12 + 12 words": ("headline+previous", (12, 12)),
    "no context": ("", BUDGET),
}
SETS = ("validation", "real_test")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings().with_options(model=args.model)
    settings.go_offline()
    bundle = settings.bundle()
    if BundleInfo.load(bundle).context != "headline+previous":
        raise SystemExit(f"{bundle} does not read headline+previous context: nothing to budget")
    predictor = load_predictor(bundle, backend=settings.backend)
    sets, _ = held_out(bundle, settings)
    bare = {name: [dataclasses.replace(e, context=None) for e in sets[name]] for name in SETS}
    pool, source = sentence_sample(settings.shared_data_dir, args.sentences)
    tokenizer = predictor.tokenizer  # type: ignore[attr-defined]
    rows = []
    for name, (mode, budget) in BUDGETS.items():
        metrics, _ = evaluate(predictor, {n: with_context(bare[n], mode, budget) for n in SETS})
        texts, contexts = in_documents(pool, mode, budget)
        pairs = [t if c is None else (t, c) for t, c in zip(texts, contexts, strict=True)]
        tokens = float(np.mean([sum(e.attention_mask) for e in tokenizer.encode_batch(pairs)]))
        rate = sentences_per_s(predictor.predict, texts, contexts, args.repeats)
        rows.append(
            {
                "budget": name,
                **{f"{n}_{k}": round(metrics[n][k], 4) for n in SETS for k in ("macro_f1", "auroc")},
                "mean_tokens": round(tokens, 1),
                "sentences_per_s": round(rate, 1),
            }
        )
        print(rows[-1], flush=True)
    return {"bundle": str(bundle), "runtime": predictor.runtime, "source": source, "rows": rows}


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"Context budget, {result['runtime']}; speed on {result['source']} in 10-sentence documents.",
        "",
        "| context | validation macro-F1 | AUROC | real_test macro-F1 | AUROC | mean tokens | sentences/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['budget']} | {r['validation_macro_f1']} | {r['validation_auroc']} | "
            f"{r['real_test_macro_f1']} | {r['real_test_auroc']} | {r['mean_tokens']} | "
            f"{r['sentences_per_s']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--model", help="Bundle folder or models:/ URI (default: the champion)")
    parser.add_argument("--sentences", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    result = measure(parser.parse_args())
    write_report("bench/context_budget", result, markdown(result))


if __name__ == "__main__":
    main()
