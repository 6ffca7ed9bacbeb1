"""The dashboard's token cannot be walked around (issue 14): the internal Streamlit port refuses
every request without the per-start secret, HTTP and WebSocket alike, while the page through the
proxy with the token works; errors are shown escaped, never as markdown or a traceback."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from _browser import free_port

from autoalliance.dashboard.app import error_text
from autoalliance.dashboard.inner import HEADER, guard
from autoalliance.errors import DatasetError, Problem

SERVE = [sys.executable, "-m", "autoalliance.cli.main", "serve"]


def _call(app, scope):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(msg):
        sent.append(msg)

    asyncio.run(app(scope, receive, send))
    return sent


async def _inner_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"inside"})


@pytest.mark.parametrize("headers, passes", [
    ([], False),
    ([(HEADER.encode(), b"wrong")], False),
    ([(HEADER.encode(), b"s3cret"), (HEADER.encode(), b"s3cret")], False),  # given twice
    ([(b"authorization", b"Bearer s3cret")], False),  # the user's token is not the secret
    ([(HEADER.encode(), b"s3cret")], True),
    ([(HEADER.upper().encode(), b"s3cret")], True),
])
def test_guard_passes_only_the_secret(headers, passes):
    app = guard(_inner_app, "s3cret")
    for kind in ("http", "websocket"):
        sent = _call(app, {"type": kind, "headers": headers})
        if passes:
            assert sent[-1]["body"] == b"inside"
        elif kind == "http":
            assert sent[0]["status"] == 403 and len(sent) == 2
        else:
            assert sent == [{"type": "websocket.close", "code": 1008}]
    with pytest.raises(ValueError):
        guard(_inner_app, "")


def _status(url, headers=None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except urllib.error.URLError:  # not listening yet
        return 0


def _websocket_status(port: int, headers: dict) -> int:
    import http.client

    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/_stcore/stream", headers={
        "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", **headers})
    status = c.getresponse().status
    c.close()
    return status


def test_internal_port_refuses_requests_without_the_secret():
    port = free_port()
    proc = subprocess.Popen(SERVE + ["--host", "127.0.0.1", "--token", "tok", "--port",
                                     str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        inner = None
        deadline = time.monotonic() + 90
        lines = []
        while inner is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            m = re.search(r"internal server on 127\.0\.0\.1:(\d+)", line)
            inner = int(m.group(1)) if m else None
        assert inner, "".join(lines)
        proxied = f"http://127.0.0.1:{port}/_stcore/health?token=tok"
        while _status(proxied) != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _status(proxied) == 200  # through the proxy with the token
        assert _status(f"http://127.0.0.1:{port}/_stcore/health") == 403  # no token
        for path in ("/", "/_stcore/health", "/_stcore/host-config", "/static/x.js",
                     "/_stcore/upload_file/x/y", "/media/x.png"):
            assert _status(f"http://127.0.0.1:{inner}{path}") == 403, path
            # the user's token is no key to the inner port either
            assert _status(f"http://127.0.0.1:{inner}{path}?token=tok",
                           {"Authorization": "Bearer tok"}) == 403, path
        assert _websocket_status(inner, {}) == 403
        assert _websocket_status(inner, {HEADER: "guess"}) == 403
        assert _websocket_status(port, {"Authorization": "Bearer tok"}) == 101  # proxied
        # the secret is in no process's command line
        for pid in [proc.pid] + [int(p) for p in os.listdir("/proc") if p.isdigit()]:
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read()
            except OSError:
                continue
            assert b"AUTOALLIANCE_INNER_SECRET" not in cmd
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_errors_are_shown_as_text():
    e = DatasetError([Problem("plants.csv", 2, "plant",
                              "unknown ![x](http://evil.example/a.png) <img src=x> **bold**")])
    shown = error_text(e)
    # every character markdown or HTML acts on is escaped
    assert not re.search(r"[!\[\]()<>*_`#]", re.sub(r"\\.", "", shown))
    # what is left after markdown removes its escapes is the message, character for character
    assert re.sub(r"\\(.)", r"\1", shown).replace("  \n", "\n") == str(e)
    shown = error_text(KeyError("x"))
    assert "Traceback" not in shown and shown.startswith("KeyError")
