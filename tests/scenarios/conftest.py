"""Fixtures of the scenario tests: the tiny dataset on disk and scenario files made from it."""

import pytest
import yaml

from autoalliance.testing import tiny_tables, write_tables


@pytest.fixture(autouse=True)
def _fixed_code_version(monkeypatch):
    # Others edit the package while tests run; a fixed version keeps run keys stable.
    monkeypatch.setenv("AUTOALLIANCE_CODE_VERSION", "test")


@pytest.fixture
def tiny_dir(tmp_path):
    return write_tables(tiny_tables(), tmp_path / "tiny")


def rate_scenarios(n: int, prefix: str = "japan") -> list[dict]:
    """n scenarios of the tiny dataset, each a different Japan deal rate from Oct 2025."""
    return [{"name": f"{prefix}_{i:03d}",
             "overrides": {"measures": {"set": [{"where": {"measure": "japan_vehicles"},
                                                 "values": {"rate": round(0.05 + 0.01 * i, 4)}}]}}}
            for i in range(n)]


def write_set(path, scenarios, name="tiny_set", **settings) -> str:
    body = {"set": name, "stages": ["exposure"], **settings, "scenarios": scenarios}
    path.write_text(yaml.safe_dump(body, sort_keys=False))
    return str(path)
