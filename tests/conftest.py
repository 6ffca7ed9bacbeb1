import warnings

import pytest

from autoalliance.testing import tiny_tables, write_tables


@pytest.fixture
def tables():
    """Raw tables of the tiny dataset (fresh copy per test)."""
    return tiny_tables()


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        yield


@pytest.fixture(autouse=True)
def _fixed_code_version(monkeypatch):
    # Others edit the package while tests run; a fixed version keeps run keys stable.
    monkeypatch.setenv("AUTOALLIANCE_CODE_VERSION", "test")


@pytest.fixture
def tiny_dir(tmp_path):
    """The tiny dataset written as a CSV folder."""
    return write_tables(tiny_tables(), tmp_path / "tiny")
