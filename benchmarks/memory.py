"""Memory readings shared by the benchmark scripts (each run in its own process)."""

from __future__ import annotations

import resource


def peak_rss_mib() -> float:
    """Peak resident memory of this process (VmHWM; ``ru_maxrss`` is not used because on Linux
    it carries the parent's peak across fork and exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
