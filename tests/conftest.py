import warnings

import pytest

from autoalliance.testing import tiny_tables


@pytest.fixture
def tables():
    """Raw tables of the tiny dataset (fresh copy per test)."""
    return tiny_tables()


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        yield
