"""Reaching an existing Dask cluster: the scheduler address checked, the connection and the
scheduler's first answer bounded in time, a lost scheduler named.

``ClusterAddress("tcp://HOST:PORT", timeout_s)`` is what ``--cluster`` and ``--cluster-timeout``
make; ``open_client`` turns it (or a plain address, or a ``distributed.Client`` the caller
owns) into a client. Only ``tcp://`` is supported: ``tls://`` needs certificates autoalliance
does not pass, ``ucx://`` needs UCX, ``inproc://`` lives in one process.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

from autoalliance.errors import AutoallianceError

DEFAULT_TIMEOUT_S = 30.0  # connect, then the scheduler's first answer, each at most this long
MAX_TIMEOUT_S = 3600.0
UNSUPPORTED = {
    "tls": "tls:// needs client certificates, which autoalliance does not pass; reach the "
           "scheduler over tcp:// (a private network or an SSH tunnel)",
    "ucx": "ucx:// needs UCX (ucx-py), which autoalliance does not use; give the scheduler's "
           "tcp:// address",
    "inproc": "inproc:// reaches only a scheduler inside this process; give a tcp:// address",
    "ws": "ws:// (websocket) is not supported; give the scheduler's tcp:// address",
    "wss": "wss:// (websocket) is not supported; give the scheduler's tcp:// address",
}


class ClusterError(AutoallianceError):
    """The cluster cannot be used: a bad address, no answer in time, or the scheduler lost."""


@dataclass(frozen=True)
class ClusterAddress:
    """A scheduler address with the time allowed to connect and for its first answer."""

    address: str
    timeout_s: float = DEFAULT_TIMEOUT_S

    def __str__(self) -> str:
        return self.address


def check_address(address: str) -> tuple[str, int]:
    """(host, port) of ``tcp://HOST:PORT`` (or ``HOST:PORT``); ClusterError otherwise."""
    text = str(address).strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    scheme = scheme.lower()
    if scheme in UNSUPPORTED:
        raise ClusterError(f"--cluster {text}: {UNSUPPORTED[scheme]}")
    if scheme != "tcp":
        raise ClusterError(f"--cluster {text}: unknown scheme {scheme}://; give the "
                           "scheduler's address as tcp://HOST:PORT")
    host, colon, port = rest.rstrip("/").rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit():
        raise ClusterError(f"--cluster {text}: expected tcp://HOST:PORT (e.g. "
                           "tcp://10.0.0.5:8786)")
    n = int(port)
    if not 1 <= n <= 65535:
        raise ClusterError(f"--cluster {text}: port {n} is outside 1 to 65535")
    return host, n


def check_timeout(seconds: float) -> float:
    """A timeout in seconds, more than 0 and at most MAX_TIMEOUT_S."""
    s = float(seconds)
    if not 0 < s <= MAX_TIMEOUT_S:
        raise ClusterError(f"--cluster-timeout {seconds!r}: must be more than 0 and at most "
                           f"{MAX_TIMEOUT_S:g} seconds")
    return s


def open_client(cluster):
    """(client, owned): a ``distributed.Client`` for ``cluster`` (a Client is used as given and
    not owned). The TCP connection must open within the timeout, then the scheduler must answer
    the client's handshake within it again; ClusterError says which did not."""
    from distributed import Client

    if isinstance(cluster, Client):
        return cluster, False
    if not isinstance(cluster, ClusterAddress):
        cluster = ClusterAddress(str(cluster))
    timeout = check_timeout(cluster.timeout_s)
    host, port = check_address(cluster.address)
    addr = f"tcp://{host}:{port}" if ":" not in host else f"tcp://[{host}]:{port}"
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except TimeoutError:
        raise ClusterError(f"cannot reach the Dask scheduler at {cluster.address}: no "
                           f"connection within {timeout:g} s (--cluster-timeout)") from None
    except OSError as e:
        raise ClusterError(f"cannot reach the Dask scheduler at {cluster.address}: "
                           f"{e.strerror or e}") from None
    box: dict = {}

    def connect() -> None:  # in a thread: distributed can wait forever on a silent peer
        try:
            box["client"] = Client(addr, timeout=f"{timeout}s")
        except BaseException as e:
            box["error"] = e

    t = threading.Thread(target=connect, name="autoalliance-cluster-connect", daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive() or ("client" not in box and "error" not in box):
        raise ClusterError(f"the address {cluster.address} accepted the connection but no Dask "
                           f"scheduler answered within {timeout:g} s (--cluster-timeout sets "
                           "the wait)")
    if "error" in box:
        e = box["error"]
        raise ClusterError(f"cannot reach the Dask scheduler at {cluster.address}: "
                           f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
                           .rstrip(": ")) from None
    return box["client"], True


def lost(cluster, finished: int, e: BaseException) -> ClusterError:
    """The error for a scheduler (or its connection) lost during a sweep."""
    first = str(e).splitlines()[0] if str(e) else ""
    return ClusterError(f"lost the Dask scheduler at {cluster} after {finished} run(s) "
                        f"({type(e).__name__}{': ' + first if first else ''}); the runs finished "
                        "before are in the store: run again with --resume for the rest")
