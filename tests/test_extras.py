"""A door whose optional dependency is missing says which extra installs it, and loses nothing."""

import sys

import pytest
from hypecheck.models.extras import MissingExtra
from hypecheck.serve.cli import app
from typer.testing import CliRunner


def test_ray_engine_without_ray_names_the_extra(monkeypatch, tmp_path):
    for module in ("ray", "ray.data"):
        monkeypatch.setitem(sys.modules, module, None)  # import fails as if it were not installed
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "It cures everything."}\n')
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(source), str(out), "--engine", "ray", "--model", "x"])
    assert result.exit_code == 2
    assert "pip install 'hypecheck[ray]'" in result.output
    assert not out.exists() and source.read_text().startswith('{"id": "a"')


def test_shared_corpora_as_datasets_without_datasets_names_the_extra(monkeypatch):
    from hypecheck.training.shared_corpora import to_dataset_dict

    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(MissingExtra, match=r"pip install 'hypecheck\[datasets\]'"):
        to_dataset_dict([])
