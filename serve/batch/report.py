"""An example of using batch output: which articles overclaim most, and how the groups of a corpus
compare (for FakeHealth: news stories against press releases).

An article's score is the share of its sentences with the verdict ``overclaim`` (from the summary's
verdict counts); the summary's ``overall`` (mean of the three highest sentence scores) breaks ties.
Groups are the folders the articles were read from. Reads an article-level Parquet file.

Run: ``python -m hypecheck.serve.batch.report reports/batch/fakehealth.parquet [--out FOLDER]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from hypecheck.models.settings import Settings

MIN_SENTENCES = 5  # shorter articles are left out of the ranking: one hyped line would top it


def article_scores(path: Path) -> pd.DataFrame:
    """One line per article: group, title, sentence and overclaim counts, share, overall, worst sentence."""
    rows = pq.read_table(path, columns=["id", "source", "title", "sentences", "summary"]).to_pylist(
        maps_as_pydicts="strict"
    )
    out = []
    for row in rows:
        summary, sentences = row["summary"], row["sentences"]
        overclaims = summary["verdicts"].get("overclaim", 0)
        worst = sentences[summary["worst"][0]]["text"] if summary["worst"] else ""
        out.append(
            {
                "id": row["id"],
                "group": Path(row["source"]).parent.name,
                "title": row["title"] or sentences[0]["text"],
                "sentences": summary["sentences"],
                "overclaims": overclaims,
                "share": overclaims / max(summary["sentences"], 1),
                "overall": summary["overall"],
                "worst": worst,
            }
        )
    return pd.DataFrame(out)


def _cell(text: str, width: int) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def _plot(scores: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, column, label in (
        (axes[0], "share", "share of sentences flagged as overclaim"),
        (axes[1], "overall", "overall score (mean of the 3 highest p_overclaim)"),
    ):
        for group, values in scores.groupby("group")[column]:
            ax.hist(values, bins=25, range=(0, 1), density=True, histtype="step", linewidth=1.6, label=group)
        ax.set_xlabel(label)
        ax.set_ylabel("density of articles")
        ax.legend()
    fig.suptitle("Article scores by group")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(parquet: Path, out_dir: Path, top: int = 20) -> Path:
    """``overclaim_report.md`` and ``article_scores.png`` in ``out_dir``; returns the Markdown path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    scores = article_scores(parquet)
    _plot(scores, out_dir / "article_scores.png")
    groups = scores.groupby("group").agg(
        articles=("id", "size"),
        sentences=("sentences", "sum"),
        mean_share=("share", "mean"),
        median_share=("share", "median"),
        mean_overall=("overall", "mean"),
        any_overclaim=("overclaims", lambda s: (s > 0).mean()),
    )
    ranked = scores[scores["sentences"] >= MIN_SENTENCES].sort_values(
        ["share", "overall", "id"], ascending=[False, False, True]
    )
    lines = [
        f"# Most overclaiming articles of `{parquet.name}`",
        "",
        "Article score: the share of its sentences flagged `overclaim`; ties broken by the summary's",
        f"`overall`. Ranking over articles of at least {MIN_SENTENCES} sentences.",
        "",
        "| group | articles | sentences | mean share | median share | mean overall | any overclaim |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {g.Index} | {g.articles} | {g.sentences} | {g.mean_share:.3f} | {g.median_share:.3f} | "
            f"{g.mean_overall:.3f} | {g.any_overclaim:.0%} |"
            for g in groups.itertuples()
        ),
        "",
        "![article scores](article_scores.png)",
        "",
        f"## Top {top}",
        "",
        "| # | group | title | sentences | overclaims | share | overall | worst sentence |",
        "|---:|---|---|---:|---:|---:|---:|---|",
        *(
            f"| {i} | {r.group} | {_cell(r.title, 70)} | {r.sentences} | {r.overclaims} | {r.share:.2f} | "
            f"{r.overall:.3f} | {_cell(r.worst, 110)} |"
            for i, r in enumerate(ranked.head(top).itertuples(), start=1)
        ),
    ]
    report = out_dir / "overclaim_report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parquet", type=Path, help="Article-level Parquet output of hypecheck batch")
    parser.add_argument("--out", type=Path, help="Output folder (default: batch/ in the reports folder)")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    print(write_report(args.parquet, args.out or Settings().reports_dir / "batch", args.top))


if __name__ == "__main__":
    main()
