"""The editor CLI as a user runs it: a real process, real files, exit codes and formats."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "serve" / "examples" / "sample_article.md"


def hypecheck(*args, model=None, cwd=ROOT, stdin=None):
    env = {**os.environ, "HYPECHECK_MODEL": str(model) if model else "", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "hypecheck.serve.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        input=stdin,
        check=False,
    )


@pytest.fixture(scope="module")
def model(baseline_bundle):
    return baseline_bundle


def test_check_flags_the_sample_article_with_locations_and_advice(model):
    out = hypecheck("check", SAMPLE, model=model)
    assert out.returncode == 1, out.stderr
    lines = [line for line in out.stdout.splitlines() if line.startswith(str(SAMPLE))]
    assert lines, out.stdout
    path, line, column = lines[0].split(": ")[0].rsplit(":", 2)
    assert Path(path) == SAMPLE and int(line) >= 1 and int(column) >= 1
    assert "→" in out.stdout and "possible overclaim" in out.stdout


def test_location_points_at_the_flagged_sentence(model):
    out = hypecheck("check", SAMPLE, "--format", "json", model=model)
    [report] = json.loads(out.stdout)
    source = SAMPLE.read_text()
    lines = source.split("\n")
    for finding in report["findings"]:
        assert source[finding["start"] : finding["end"]] == finding["text"]
        assert lines[finding["line"] - 1][finding["column"] - 1 :].startswith(finding["text"][:20])


def test_vale_output_has_vales_shape(model):
    out = hypecheck("check", SAMPLE, "--format", "vale", model=model)
    alerts = json.loads(out.stdout)[str(SAMPLE)]
    assert alerts
    for alert in alerts:
        assert set(alert) >= {
            "Action",
            "Span",
            "Check",
            "Description",
            "Link",
            "Message",
            "Severity",
            "Match",
            "Line",
        }
        assert alert["Check"].startswith("hypecheck.") and alert["Severity"] == "warning"
        assert len(alert["Span"]) == 2 and alert["Span"][0] <= alert["Span"][1]


def test_github_annotations(model):
    out = hypecheck("check", SAMPLE, "--format", "github", model=model)
    assert out.stdout.startswith("::warning file=")
    assert all(",line=" in line and "::" in line[2:] for line in out.stdout.splitlines())


def test_exit_codes(model, tmp_path):
    assert hypecheck("check", SAMPLE, "--fail-on", "never", model=model).returncode == 0
    assert hypecheck("check", SAMPLE, "--min-score", "1.01", model=model).returncode == 0
    assert hypecheck("check", tmp_path / "missing.md", model=model).returncode == 2
    assert hypecheck("check", SAMPLE, "--format", "xml", model=model).returncode == 2
    assert hypecheck("check", SAMPLE, "--fail-on", "everything", model=model).returncode == 2


@pytest.mark.parametrize(
    "payload, message", [(b"", "empty"), (b"\x00\x01\x02binary", "binary"), (b"\xff\xfe\xfa bad", "UTF-8")]
)
def test_bad_input_is_a_clear_error(model, tmp_path, payload, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(payload)
    out = hypecheck("check", bad, model=model)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_stdin_and_html(model, tmp_path):
    out = hypecheck("check", "-", "--format", "json", model=model, stdin=SAMPLE.read_text())
    assert out.returncode == 1 and json.loads(out.stdout)[0]["path"] == "<stdin>"
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><h1>Miracle cure!</h1><script>alert('x')</script>"
        "<p>This breakthrough will revolutionize medicine forever.</p></body></html>"
    )
    [report] = json.loads(hypecheck("check", page, "--format", "json", model=model).stdout)
    source = page.read_text()
    for finding in report["findings"]:
        assert "alert" not in finding["text"]
        assert source[finding["start"] : finding["end"]] == finding["text"]


def test_inline_suppression_and_project_config(model, tmp_path):
    text = SAMPLE.read_text()
    flagged = json.loads(hypecheck("check", SAMPLE, "--format", "json", model=model).stdout)[0]["findings"]
    first = flagged[0]
    lines = text.split("\n")
    lines[first["line"] - 1] += " <!-- hypecheck: ignore -->"
    draft = tmp_path / "draft.md"
    draft.write_text("\n".join(lines))
    after = json.loads(hypecheck("check", draft, "--format", "json", model=model, cwd=tmp_path).stdout)[0]
    assert first["line"] not in [f["line"] for f in after["findings"]]
    reasons = {r for f in flagged for r in f["reasons"]}
    (tmp_path / ".hypecheck.toml").write_text(f"disabled_reasons = {sorted(reasons)!r}\n".replace("'", '"'))
    quiet = hypecheck("check", draft, model=model, cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stdout
    (tmp_path / ".hypecheck.toml").write_text("bogus = 1\n")
    assert hypecheck("check", draft, model=model, cwd=tmp_path).returncode == 2


def test_batch_levels_errors_and_usage(model, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "Coffee cures cancer, experts say."}),
                "{not json",
                json.dumps({"id": "c", "text": ""}),
                json.dumps({"id": "d", "text": "The study had 40 people. It found nothing."}),
            ]
        )
    )
    out = tmp_path / "out.jsonl"
    run = hypecheck("batch", source, "--output", out, "--level", "sentence", "--no-progress", model=model)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["sentence"]) for r in rows] == [("a", 0), ("d", 0), ("d", 1)]
    assert {"p_overclaim", "verdict", "reasons", "claim_strength"} <= set(rows[0])
    errors = [json.loads(line) for line in Path(f"{out}.errors.jsonl").read_text().splitlines()]
    assert [e["source"] for e in errors] == [f"{source}:2", f"{source}:3"]
    assert [e["reason"] for e in errors] == ["malformed", "empty"] and all(e["message"] for e in errors)
    articles = tmp_path / "articles.jsonl"
    assert hypecheck("batch", source, "-o", articles, "--no-progress", model=model).returncode == 0
    article = [json.loads(line) for line in articles.read_text().splitlines()][1]
    assert len(article["sentences"]) == 2 and "summary" in article
    assert hypecheck("batch", source, "-o", out, "--level", "word", model=model).returncode == 2
    assert hypecheck("batch", tmp_path / "missing.jsonl", "-o", out, model=model).returncode == 2


def test_batch_sentence_units_in_the_in_out_form(model, tmp_path):
    """``hypecheck batch IN OUT --unit sentence``: each row is scored whole, never split."""
    source = tmp_path / "units.jsonl"
    units = {"u1": "The drug cures arthritis. Everyone agrees.", "u2": "The trial enrolled 300 patients."}
    source.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in units.items()))
    out = tmp_path / "units-out.jsonl"
    run = hypecheck("batch", source, out, "--unit", "sentence", "--no-progress", model=model)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["text"], r["start"], r["end"]) for r in rows] == [
        (k, v, 0, len(v)) for k, v in units.items()
    ]
    assert all({"p_overclaim", "verdict", "reasons", "claim_strength"} <= set(r) for r in rows)
    split = hypecheck("batch", source, "-o", tmp_path / "split.jsonl", "--level", "sentence", model=model)
    assert split.returncode == 0 and len((tmp_path / "split.jsonl").read_text().splitlines()) == 3
    # A last argument that is not a batch output of ours is never overwritten.
    other = tmp_path / "other.jsonl"
    other.write_text(source.read_text())
    refused = hypecheck("batch", source, other, model=model)
    assert refused.returncode == 2 and "not a batch output" in refused.stderr
    assert other.read_text() == source.read_text()
    assert hypecheck("batch", source, "-o", source, model=model).returncode == 2
    assert hypecheck("batch", tmp_path, "-o", tmp_path / "inside.jsonl", model=model).returncode == 2


def test_check_reads_word_files(model, tmp_path):
    from tests.conftest import write_docx

    draft = write_docx(tmp_path / "draft.docx", ["Title line", "This miracle cure works for everyone."])
    out = hypecheck("check", draft, "--format", "json", "--fail-on", "never", model=model)
    assert out.returncode == 0, out.stderr
    [result] = json.loads(out.stdout)
    assert [s["text"] for s in result["sentences"]] == ["Title line", "This miracle cure works for everyone."]
    (tmp_path / "fake.docx").write_bytes(b"not a zip at all")
    bad = hypecheck("check", tmp_path / "fake.docx", model=model)
    assert bad.returncode == 2 and "not a readable .docx" in bad.stderr


def test_no_model_is_a_clear_error(tmp_path):
    env_model = tmp_path / "nowhere"
    out = hypecheck("check", SAMPLE, model=env_model)
    assert out.returncode == 2 and "not a model bundle" in out.stderr


# --- hostile and careless input: exit 2 with one clear line ---------------------------------------

MEMORY_CAP = 3 << 30  # reading without a limit fails here instead of taking the machine's memory


def capped(args, model, **kwargs):
    """``hypecheck`` with its address space capped, for inputs that used to be read whole."""
    import resource

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    env = {**os.environ, "HYPECHECK_MODEL": str(model), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "hypecheck.serve.cli", *map(str, args)]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=ROOT, preexec_fn=cap, timeout=120, **kwargs
    )


def one_clear_line(out):
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    return out.stderr


def test_endless_stdin_and_huge_sparse_files_are_refused_without_reading_them(model, tmp_path):
    with Path("/dev/zero").open("rb") as zeros:
        assert "limit" in one_clear_line(capped(["check", "-"], model, stdin=zeros))
    sparse = tmp_path / "huge.txt"
    with sparse.open("wb") as handle:
        handle.truncate(8 << 30)
    assert "8,589,934,592 bytes" in one_clear_line(capped(["check", sparse], model))


def test_corrupted_word_files_and_bad_config_values_exit_2(model, tmp_path):
    from tests.conftest import write_docx

    draft = write_docx(tmp_path / "draft.docx", ["This miracle cure works for everyone."])
    data = draft.read_bytes()
    (tmp_path / "cut.docx").write_bytes(data[: len(data) // 2])
    flipped = data[:200] + bytes(b ^ 0x5A for b in data[200:2000]) + data[2000:]
    (tmp_path / "flipped.docx").write_bytes(flipped)
    for name in ("cut.docx", "flipped.docx"):
        assert name in one_clear_line(hypecheck("check", tmp_path / name, model=model))
    sample = tmp_path / "sample.md"
    sample.write_text(SAMPLE.read_text())
    for value in ("allow = 5", 'allow = "hype"', 'min_score = "high"', "disabled_reasons = 5", "fail_on = 5"):
        (tmp_path / ".hypecheck.toml").write_text(value + "\n")
        assert ".hypecheck.toml" in one_clear_line(hypecheck("check", sample, model=model, cwd=tmp_path))


def test_terminal_escape_sequences_from_a_file_never_reach_the_terminal(model, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("\x1b]0;pwned\x07This miracle cure \x1b[2Jworks for everyone, guaranteed!\x9b1m\n")
    out = hypecheck("check", draft, "--fail-on", "never", model=model)
    assert out.returncode == 0 and "miracle cure" in out.stdout, out.stderr
    assert not set(out.stdout) & {"\x1b", "\x07", "\x9b"}


def test_batch_never_replaces_special_files_nor_leaves_stray_files(model, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "Coffee cures cancer."}) + "\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "not a regular file" in one_clear_line(hypecheck("batch", source, "-o", fifo, model=model))
    assert fifo.is_fifo() and sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "pipe"]
    missing = tmp_path / "no" / "such" / "out.jsonl"
    assert "no such folder" in one_clear_line(hypecheck("batch", source, "-o", missing, model=model))
    assert not (tmp_path / "no").exists()
    assert "/proc" in one_clear_line(hypecheck("batch", source, "-o", "/proc/hypecheck.jsonl", model=model))


def legacy_bundle(bundle, folder, models):
    """A bundle as older versions wrote it: the baseline as a joblib pickle of ``models``."""
    import shutil

    import joblib

    shutil.copytree(bundle, folder)
    (folder / "baseline.skops").unlink(missing_ok=True)
    joblib.dump(models, folder / "baseline.joblib")
    return folder


class _RunsCode:
    """Unpickling this writes a file: what any pickle may do to whoever opens it."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "ran"))


def test_bundles_are_data_and_a_pickle_is_opened_only_when_trusted(model, tmp_path):
    from hypecheck.models.baseline_file import load_baseline

    assert (Path(model) / "baseline.skops").is_file() and not list(Path(model).glob("*.joblib"))
    marker = tmp_path / "code-ran"
    hostile = legacy_bundle(model, tmp_path / "hostile", {"verdict": _RunsCode(marker)})
    refused = hypecheck("check", SAMPLE, "--model", hostile)
    assert "--trust-bundle" in one_clear_line(refused) and not marker.exists()
    assert hypecheck("batch", SAMPLE, "-o", tmp_path / "o.jsonl", "--model", hostile).returncode == 2
    assert not marker.exists()
    saved = load_baseline(Path(model) / "baseline.skops")
    old = legacy_bundle(model, tmp_path / "old", saved)
    assert hypecheck("check", SAMPLE, "--model", old).returncode == 2
    trusted = hypecheck("check", SAMPLE, "--model", old, "--trust-bundle", "--fail-on", "never")
    assert trusted.returncode == 0, trusted.stderr
