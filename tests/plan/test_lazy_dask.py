"""plan.lazy_dask: the planner's xarray work loads no dask, and a dask array made afterwards is
still recognised by xarray (chunked, computed lazily, equal to the numpy result)."""

import subprocess
import sys

PROBE = """
import sys
import numpy as np
import autoalliance.plan  # installs the lazy entry before any DataArray
import xarray as xr
a = xr.DataArray(np.arange(6.0).reshape(2, 3), dims=("x", "y"))
b = (a.fillna(0) * 2).sum("y")
assert b.values.tolist() == [6.0, 24.0]
assert "dask" not in sys.modules and "dask.array" not in sys.modules, "dask loaded"
from xarray.namedarray.pycompat import array_type
from xarray.namedarray.utils import is_duck_dask_array
assert not isinstance(a.data, array_type("dask"))
import dask.array as da
c = xr.DataArray(da.ones((4, 6), chunks=(2, 3)), dims=("x", "y"))
assert isinstance(c.data, array_type("dask")) and is_duck_dask_array(c.data)
assert c.chunks == ((2, 2), (3, 3))
s = (c * 2).sum("y")
assert isinstance(s.data, da.Array), type(s.data)  # still lazy
assert s.compute().values.tolist() == [12.0] * 4
d = a.chunk({"x": 1})
assert d.chunks == ((1, 1), (3,)) and d.sum().compute().item() == 15.0
print("ok")
"""


def test_no_dask_for_the_planner_and_dask_arrays_still_work():
    r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip().splitlines()[-1] == "ok"
