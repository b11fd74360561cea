"""A fine-tuning run stopped part-way resumes from its checkpoint and ends where an unbroken run ends."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from hypecheck.models.bundle import WEIGHTS, check_no_pickles
from hypecheck.training.checkpoint import Checkpoint, resume_key
from hypecheck.training.config import TrainConfig, config_path
from hypecheck.training.dataset import build_examples, by_split
from hypecheck.training.transformer import train_transformer
from safetensors.torch import load_file


class Stopped(Exception):
    """Stands for a killed process: raised right after a checkpoint is written."""


@pytest.fixture(scope="module")
def small():
    config = TrainConfig.from_yaml(config_path("smoke"), {"max_steps": 10, "checkpoint_every": 4})
    return config, by_split(build_examples(config), config)["train"][:200]


def _weights(directory):
    return load_file(directory / WEIGHTS)


def test_a_stopped_run_resumes_from_its_checkpoint_to_the_same_weights(small, tmp_path, monkeypatch):
    config, train = small
    key = resume_key(config, "data")
    train_transformer(config, train, tmp_path / "unbroken", Checkpoint.beside(tmp_path / "unbroken", key))

    save = Checkpoint.save

    def save_then_stop(self, parts, step):
        save(self, parts, step)
        raise Stopped

    monkeypatch.setattr(Checkpoint, "save", save_then_stop)
    stopped = Checkpoint.beside(tmp_path / "resumed", key)
    with pytest.raises(Stopped):
        train_transformer(config, train, tmp_path / "resumed", stopped)
    assert stopped.path.exists()
    monkeypatch.setattr(Checkpoint, "save", save)
    restore, restored = Checkpoint.restore, []

    def recorded_restore(self, parts):
        restored.append(restore(self, parts))
        return restored[-1]

    monkeypatch.setattr(Checkpoint, "restore", recorded_restore)

    train_transformer(config, train, tmp_path / "resumed", stopped)
    check_no_pickles(tmp_path / "resumed", trust_bundle=False)  # the checkpoint is kept out of the bundle
    assert restored == [4]  # it went on from step 4 rather than starting over
    unbroken, resumed = _weights(tmp_path / "unbroken"), _weights(tmp_path / "resumed")
    assert unbroken.keys() == resumed.keys()
    for name in unbroken:
        torch.testing.assert_close(resumed[name], unbroken[name], rtol=1e-5, atol=1e-6)

    # a finished run started again trains no further: it only writes the same bundle once more
    train_transformer(config, train, tmp_path / "resumed", stopped)
    assert restored == [4, 10]
    again = _weights(tmp_path / "resumed")
    for name in unbroken:
        torch.testing.assert_close(again[name], unbroken[name], rtol=1e-5, atol=1e-6)


def test_a_checkpoint_of_another_run_is_not_resumed(small, tmp_path):
    config = small[0]
    other = dataclasses.replace(config, learning_rate=config.learning_rate / 2)
    assert resume_key(config, "data") != resume_key(other, "data")
    assert resume_key(config, "data") != resume_key(config, "other data")
    # where a run is written and how many threads it uses do not make it another run
    moved = dataclasses.replace(config, output_dir="elsewhere", threads=1, config_file="a/copy.yaml")
    assert resume_key(config, "data") == resume_key(moved, "data")
    stale = Checkpoint(tmp_path / "run.pt", "another run")
    stale.save({"tensor": torch.nn.Linear(2, 2)}, 7)
    assert Checkpoint(tmp_path / "run.pt", "this run").restore({"tensor": torch.nn.Linear(2, 2)}) == 0
    assert stale.restore({"tensor": torch.nn.Linear(2, 2)}) == 7


def test_precision_is_fp32_or_bf16():
    with pytest.raises(ValueError, match="precision"):
        TrainConfig(precision="fp16")
