"""tooling/model.py: the model is named after the data that shapes it, and tests can override it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tooling.model import MODEL_INPUTS, data_hash, model_from_env, model_path


def make_project(root: Path) -> Path:
    (root / "config.yml").write_text("pipeline: []\n", encoding="utf-8")
    for folder in MODEL_INPUTS[1:]:
        (root / folder).mkdir()
        (root / folder / "a.yml").write_text("x: 1\n", encoding="utf-8")
    return root


def test_changing_training_data_changes_the_model_name(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    before = model_path(root)
    (root / "data" / "a.yml").write_text("x: 2\n", encoding="utf-8")
    assert model_path(root) != before
    assert model_path(root).parent == root / "models"


def test_files_outside_the_inputs_and_bytecode_do_not_change_the_hash(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    before = data_hash(root)
    (root / "README.md").write_text("docs\n", encoding="utf-8")
    (root / "nlu_components" / "__pycache__").mkdir()
    (root / "nlu_components" / "__pycache__" / "a.pyc").write_bytes(b"\0")
    assert data_hash(root) == before


def test_an_environment_variable_overrides_the_model(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path)
    monkeypatch.delenv("SOME_TEST_MODEL", raising=False)
    assert model_from_env("SOME_TEST_MODEL", root) == model_path(root)
    monkeypatch.setenv("SOME_TEST_MODEL", "/elsewhere/model.tar.gz")
    assert model_from_env("SOME_TEST_MODEL", root) == Path("/elsewhere/model.tar.gz")
