"""Batch scoring: kill -9 and resume gives the same bytes, bad records are reported, not fatal,
every input kind reads, and the Ray engine writes what the local engine writes."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypecheck.models.results import SentenceScore
from hypecheck.serve.batch import BatchJob, Fields, run_batch
from hypecheck.serve.batch.checkpoint import CheckpointMismatch
from hypecheck.serve.schemas import ScoreResponse

from tests.conftest import needs_ray

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = [
    "Coffee cures cancer, experts say.",
    "The study followed 40 adults for two weeks.",
    "This breakthrough will revolutionize the treatment of depression.",
    "Researchers found a modest link between sleep and mood.",
    "The drug is completely safe for everyone.",
    "More research is needed.",
]
ARTICLE = " ".join(CLAIMS * 2)


def page(title, body, nav=True):
    menu = (
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/login'>Log in</a></nav>" if nav else ""
    )
    paragraphs = "".join(f"<p>{sentence}</p>" for sentence in body)
    return (
        f"<html><head><title>{title}</title>"
        "<meta property='article:published_time' content='2021-03-04'></head>"
        f"<body>{menu}<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright 2021 Health News</footer></body></html>"
    )


def write_warc(path, pages, tamper=None, compress=False):
    """A WARC with a request, an image and the pages as responses; ``tamper`` (a word of one page)
    is changed after the digests were written."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    writer.write_record(
        writer.create_warc_record(
            "http://news.example/a", "request", payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")
        )
    )
    image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "http://news.example/logo.png", "response", payload=io.BytesIO(b"\x89PNG"), http_headers=image
        )
    )
    for i, html in enumerate(pages):
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        body = html.encode()
        record = writer.create_warc_record(
            f"http://news.example/{i}", "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    data = buffer.getvalue()
    if tamper:
        data = data.replace(tamper.encode(), tamper.upper().encode())
    path.write_bytes(data)


def jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def job(tmp_path, inputs, name="out.jsonl", **options):
    output = tmp_path / name
    fmt = "parquet" if name.endswith(".parquet") else "jsonl"
    return BatchJob(inputs=tuple(inputs), output=output, format=fmt, **options)


def read_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


@pytest.fixture(scope="module")
def model(transformer_bundle):
    return Path(transformer_bundle)


# --- never lose, never duplicate -------------------------------------------------------------------


def cli(*args, model):
    env = {**os.environ, "HYPECHECK_MODEL": str(model)}
    command = [sys.executable, "-m", "hypecheck.serve.cli", "batch", *map(str, args), "--no-progress"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def committed(checkpoint):
    try:
        return json.loads(checkpoint.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {"chunks": 0, "done": False}


def kill_after(args, model, checkpoint, chunks):
    """Start the CLI and SIGKILL it as soon as ``chunks`` chunks are committed."""
    process = cli(*args, model=model)
    while committed(checkpoint)["chunks"] < chunks and process.poll() is None:
        time.sleep(0.002)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    state = committed(checkpoint)
    assert not state["done"], "the job ended before it could be killed: give it more records"
    return state["chunks"]


@pytest.mark.parametrize(("name", "level"), [("out.jsonl", "article"), ("out.parquet", "sentence")])
def test_sigkill_and_rerun_gives_byte_identical_output(model, tmp_path, name, level):
    rows = [{"id": f"r{i}", "text": " ".join(CLAIMS[i % 6 :] + CLAIMS[: i % 6])} for i in range(240)]
    rows[7] = "{broken"
    source = jsonl(tmp_path / "in.jsonl", rows)
    options = ["--level", level, "--chunk-size", "4"]
    reference, resumed = tmp_path / "reference", tmp_path / "resumed"
    reference.mkdir()
    resumed.mkdir()
    done = cli(source, "--output", reference / name, *options, model=model)
    _, stderr = done.communicate()
    assert done.returncode == 0, stderr.decode()

    output = resumed / name
    args = [source, "--output", output, *options]
    checkpoint = resumed / f"{name}.checkpoint.json"
    first = kill_after(args, model, checkpoint, 1)
    second = kill_after(args, model, checkpoint, first + 5)
    assert first >= 1 and second > first
    finish = cli(*args, model=model)
    stdout, stderr = finish.communicate()
    assert finish.returncode == 0, stderr.decode()
    assert f"resumed after {second * 4} records" in stdout.decode()
    for suffix in ("", ".errors.jsonl"):
        assert (resumed / f"{name}{suffix}").read_bytes() == (reference / f"{name}{suffix}").read_bytes()
    assert not (resumed / f"{name}.parts").exists()

    before = output.stat().st_mtime_ns
    again = cli(*args, model=model)
    stdout, _ = again.communicate()
    assert again.returncode == 0 and "complete already" in stdout.decode()
    assert output.stat().st_mtime_ns == before


def test_changed_input_or_settings_is_a_clear_error(model, tmp_path):
    source = jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": ARTICLE}])
    run_batch(job(tmp_path, [source]), model, progress=False)
    with pytest.raises(CheckpointMismatch, match="settings \\(chunk_size\\)"):
        run_batch(job(tmp_path, [source], chunk_size=3), model, progress=False)
    jsonl(source, [{"id": "a", "text": ARTICLE}, {"id": "b", "text": ARTICLE}])
    with pytest.raises(CheckpointMismatch, match="input files"):
        run_batch(job(tmp_path, [source]), model, progress=False)


# --- bad records ---------------------------------------------------------------------------------


def test_bad_records_go_to_the_errors_file_with_a_reason(model, tmp_path):
    records = jsonl(
        tmp_path / "records.jsonl",
        [
            {"id": "good", "text": ARTICLE},
            "{not json",
            "[1, 2]",
            {"id": "empty", "text": "   "},
            {"id": "missing"},
            {"id": "number", "text": 42},
            {"id": "long", "text": "word " * 500},
            {"id": "nul", "text": "a\x00b"},
        ],
    )
    with records.open("ab") as handle:
        handle.write(b'{"id": "latin1", "text": "caf\xe9"}\n')
    table = tmp_path / "table.csv"
    table.write_bytes(
        b'id,text\nc1,"Coffee cures cancer."\nc2,too,many\nc3,"bad"quote\nc4,"caf\xe9"\nc5,"Fine, it is."\n'
    )
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "menu.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (pages / "blank.html").write_text("  \n")
    (pages / "image.htm").write_bytes(b"\x89PNG\x00\x00\x00binary")
    (pages / "ok.html").write_text(page("Coffee cures cancer", CLAIMS * 2))
    (pages / "notes.txt").write_text("not an input: ignored")
    crawl = tmp_path / "crawl.warc"
    write_warc(crawl, [page("Good page", CLAIMS * 2), page("Tampered page", CLAIMS * 2)], tamper="Tampered")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")

    stats = run_batch(
        job(tmp_path, [records, table, pages, crawl, broken], max_chars=1000), model, progress=False
    )
    errors = read_jsonl(tmp_path / "out.jsonl.errors.jsonl")
    assert all(e["message"] for e in errors)
    reasons = [(e["id"] or Path(e["source"]).name, e["reason"]) for e in errors]
    assert reasons[:8] == [
        (f"{records.name}:2", "malformed"),
        (f"{records.name}:3", "malformed"),
        ("empty", "empty"),
        ("missing", "empty"),
        ("number", "malformed"),
        ("long", "too_long"),
        ("nul", "binary"),
        (f"{records.name}:9", "undecodable"),
    ]
    assert reasons[8:11] == [
        (f"{table.name}:3", "malformed"),
        (f"{table.name}:4", "malformed"),
        (f"{table.name}:5", "undecodable"),
    ]
    assert reasons[11:14] == [
        ("blank.html", "empty"),
        ("image.htm", "binary"),
        ("menu.html", "not_article"),
    ]
    [(warc, warc_reason), (parquet, parquet_reason)] = reasons[14:]
    assert (
        warc.startswith(f"{crawl.name}@") and warc_reason == "corrupt" and "digest" in errors[14]["message"]
    )
    assert parquet == f"{broken.name}#0" and parquet_reason == "corrupt"
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows][:4] == ["good", "c1", "c5", str(pages / "ok.html")]
    assert len(rows) == 5 and rows[4]["url"] == "http://news.example/0"
    assert stats.articles == len(rows) and stats.errors == len(errors)


def test_a_lone_surrogate_record_is_scored_and_the_job_and_its_rerun_finish(model, tmp_path):
    """``JSON.stringify`` writes broken page text as a lone surrogate escape: it used to crash the
    sentence splitter, the job, and every rerun of it."""
    records = jsonl(
        tmp_path / "records.jsonl",
        [
            {"id": "a", "text": "Coffee cures cancer."},
            '{"id": "s\\udc00", "title": "Miracle \\ud800", "text": "Hello \\ud800 world. It cures all."}',
            {"id": "zw", "text": "\u200b\ufeff"},
            {"id": "c", "text": "More research is needed."},
        ],
    )
    for _ in range(2):
        run_batch(job(tmp_path, [records], fields=Fields(title="title")), model, progress=False)
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows] == ["a", "s\ufffd", "c"]
    assert rows[1]["title"] == "Miracle \ufffd" and rows[1]["sentences"][1]["text"].startswith("Hello \ufffd")
    [error] = read_jsonl(tmp_path / "out.jsonl.errors.jsonl")
    assert (error["id"], error["reason"]) == ("zw", "empty")


class PoisonedPredictor:
    """The real model, except that it fails any batch holding the word ``poison``."""

    def __init__(self, predictor):
        self.predictor = predictor
        self.info, self.hash, self.runtime = predictor.info, predictor.hash, predictor.runtime

    def predict(self, texts, contexts=None, *, states=False):
        if any("poison" in text for text in texts):
            raise RuntimeError("the model broke on this text")
        return self.predictor.predict(texts, contexts, states=states)


def test_a_record_the_model_fails_on_goes_to_the_errors_file_alone(model, tmp_path):
    from hypecheck.models.predictors import load_predictor
    from hypecheck.serve.batch.job import score_chunk
    from hypecheck.serve.batch.readers import RawRecord

    texts = ["Coffee cures cancer.", "A poison pill.", "More research is needed.", "It works."]
    records = [RawRecord(f"in:{i}", 1, id=f"r{i}", text=t) for i, t in enumerate(texts)]
    predictor = load_predictor(model)
    poisoned = score_chunk(PoisonedPredictor(predictor), records, job(tmp_path, []))
    assert [e["id"] for e in poisoned.errors] == ["r1"] and poisoned.errors[0]["reason"] == "scoring_failed"
    assert [r["id"] for r in poisoned.rows] == ["r0", "r2", "r3"] and poisoned.articles == 3
    clean = score_chunk(predictor, [r for r in records if r.id != "r1"], job(tmp_path, []))
    assert [r["sentences"] for r in poisoned.rows] == [r["sentences"] for r in clean.rows]


# --- inputs ----------------------------------------------------------------------------------------


def test_warc_and_html_folder_inputs(model, tmp_path):
    crawl = tmp_path / "crawl.warc.gz"
    write_warc(
        crawl, [page("Coffee cures cancer", CLAIMS * 2), page("Sleep and mood", CLAIMS)], compress=True
    )
    pages = tmp_path / "site"
    (pages / "2021").mkdir(parents=True)
    (pages / "2021" / "b.html").write_text(page("Miracle drug", CLAIMS * 2))
    (pages / "a.htm").write_text(page("Green tea", CLAIMS * 2))

    run_batch(job(tmp_path, [crawl, pages]), model, progress=False)
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["title"] for r in rows] == [
        "Coffee cures cancer",
        "Sleep and mood",
        "Miracle drug",
        "Green tea",
    ]
    assert [r["url"] for r in rows[:2]] == ["http://news.example/0", "http://news.example/1"]
    assert rows[0]["id"] == rows[0]["source"] and rows[0]["source"].startswith(f"{crawl}@")
    assert rows[3]["source"] == str(pages / "a.htm") and rows[0]["date"] == "2021-03-04"
    for row in rows:
        texts = " ".join(s["text"] for s in row["sentences"])
        assert "Home" not in texts and "Copyright" not in texts
        assert row["sentences"][0]["text"] == row["title"]
        assert set(row) == {"id", "source", "title", "url", "date", *ScoreResponse.model_fields}
        assert row["summary"]["sentences"] == len(row["sentences"])


@pytest.mark.parametrize("level", ["article", "sentence"])
def test_csv_and_parquet_inputs_and_parquet_output_carry_the_api_fields(model, tmp_path, level):
    table = tmp_path / "t.csv"
    table.write_text('key,headline,body\nk1,Coffee cures cancer,"' + ARTICLE + '"\nk2,,"' + CLAIMS[1] + '"\n')
    parquet = tmp_path / "t.parquet"
    pq.write_table(
        pa.table({"key": [7, 8, None], "headline": ["Tea", None, "x"], "body": [ARTICLE, CLAIMS[3], None]}),
        parquet,
    )
    fields = Fields(id="key", text="body", title="headline")
    for name in ("out.jsonl", "out.parquet"):
        run_batch(job(tmp_path, [table, parquet], name, fields=fields, level=level), model, progress=False)
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert pq.read_table(tmp_path / "out.parquet").to_pylist(maps_as_pydicts="strict") == rows
    assert read_jsonl(tmp_path / "out.parquet.errors.jsonl") == [
        {"source": f"{parquet}#2", "id": None, "reason": "empty", "message": "no field 'body'"}
    ]
    sentences = rows if level == "sentence" else [s for r in rows for s in r["sentences"]]
    assert set(sentences[0]) >= set(SentenceScore.model_fields)
    assert sentences[0]["text"] == "Coffee cures cancer" and sentences[0]["start"] == 0
    if level == "article":
        assert [r["id"] for r in rows] == ["k1", "k2", "7", "8"]
        assert set(rows[0]) == {"title", "url", "date", "source", *ScoreResponse.model_fields}
    else:
        assert [r["id"] for r in rows if r["sentence"] == 0] == ["k1", "k2", "7", "8"]
        row_fields = {"id", "source", "sentence", "model", "schema_version", *SentenceScore.model_fields}
        assert set(rows[0]) == row_fields


# --- Ray -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def local_ray():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@needs_ray
def test_ray_engine_writes_what_the_local_engine_writes(model, tmp_path, local_ray):
    rows = [{"id": f"r{i}", "text": " ".join(CLAIMS[i % 6 :])} for i in range(40)]
    rows[3] = "{broken"
    source = jsonl(tmp_path / "in.jsonl", rows)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text(page("Coffee cures cancer", CLAIMS * 2))
    outputs = {}
    for engine in ("local", "ray"):
        folder = tmp_path / engine
        folder.mkdir()
        run_batch(job(folder, [source, pages], chunk_size=6), model, engine=engine, workers=2, progress=False)
        outputs[engine] = [(folder / f"out.jsonl{s}").read_bytes() for s in ("", ".errors.jsonl")]
    assert outputs["ray"] == outputs["local"]
    assert len(outputs["local"][0].splitlines()) == 40
