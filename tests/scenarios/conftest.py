"""Fixtures of the scenario tests: the tiny dataset on disk and scenario files made from it."""

import pytest

from autoalliance.testing import tiny_tables, write_tables


@pytest.fixture(autouse=True)
def _fixed_code_version(monkeypatch):
    # Others edit the package while tests run; a fixed version keeps run keys stable.
    monkeypatch.setenv("AUTOALLIANCE_CODE_VERSION", "test")


@pytest.fixture
def tiny_dir(tmp_path):
    return write_tables(tiny_tables(), tmp_path / "tiny")
