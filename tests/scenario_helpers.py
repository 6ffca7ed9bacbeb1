"""Helpers of the scenario tests: scenario sets made from the tiny dataset."""

import yaml


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
