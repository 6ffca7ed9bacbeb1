"""``autoalliance serve``: run the Streamlit dashboard.

On a loopback address (the default, 127.0.0.1) without a token Streamlit serves the page
directly. Bound to any other address, or given ``--token``, Streamlit stays on 127.0.0.1 (a free
port) and a small reverse proxy (tornado, which Streamlit already ships) listens on the asked
address and refuses every request (HTTP 403) that does not carry the access token: as
``?token=...`` (which sets an HttpOnly cookie for the page's later requests), the cookie, or an
``Authorization: Bearer ...`` header. Request bodies are capped (uploads included).

The internal Streamlit port is reachable by every local user, so it checks a second, per-start
secret on every request (``dashboard/inner.py``): the proxy adds it to what it forwards, and
anything reaching the port directly is refused.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import signal
import socket
import subprocess
import sys
from pathlib import Path

from autoalliance.dashboard.inner import HEADER as INNER_HEADER
from autoalliance.dashboard.inner import SECRET_ENV
from autoalliance.errors import AutoallianceError

COOKIE = "autoalliance_token"
MAX_BODY = 12 * 1024 * 1024  # bytes: the upload limit plus form overhead
UPSTREAM_WAIT_S = 120.0  # seconds a request waits for Streamlit to start listening
HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
       "trailers", "transfer-encoding", "upgrade", "content-length", "host",
       "content-encoding"}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServeRefused(AutoallianceError):
    """``serve`` cannot listen where it was asked (a bad host or port, a port in use)."""


def check_host(host: str) -> None:
    """Refuse a host that is no address this machine can resolve (one line, no traceback)."""
    if not host or host != host.strip() or any(c in host for c in "/\\ \t\n"):
        raise ServeRefused(f"--host {host!r}: not a host name or IP address")
    try:
        socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as e:
        why = getattr(e, "strerror", None) or str(e) or type(e).__name__
        raise ServeRefused(f"--host {host!r}: cannot be resolved ({why})") from None


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets on ``host:port`` (port 0: any free port), bound before anything starts;
    ServeRefused names the port and why (in use, not this machine's address, no permission)."""
    import errno

    import tornado.netutil

    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ServeRefused(f"--port {port}: outside 0 to 65535 (0: any free port)")
    check_host(host)
    try:
        return tornado.netutil.bind_sockets(port, address=host)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise ServeRefused(f"port {port} on {host} is already in use (another dashboard "
                               "or program); pick another with --port, or --port 0 for any "
                               "free one") from None
        if e.errno == errno.EADDRNOTAVAIL:
            raise ServeRefused(f"--host {host}: not an address of this machine (cannot listen "
                               "there)") from None
        if e.errno == errno.EACCES:
            raise ServeRefused(f"port {port} on {host}: permission denied (ports below 1024 "
                               "need privileges)") from None
        raise ServeRefused(f"cannot listen on {host}:{port}: {e.strerror or e}") from None


def listening_port(sockets: list[socket.socket]) -> int:
    return sockets[0].getsockname()[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def streamlit_command(address: str, port: int, guarded: bool = False) -> list[str]:
    """The Streamlit command line; ``guarded``: through ``dashboard/inner.py``, which refuses
    requests without the per-start secret (its environment holds it)."""
    from autoalliance.dashboard.app import MAX_UPLOAD_MB

    app = Path(__file__).resolve().parent / "app.py"
    launcher = ["-m", "autoalliance.dashboard.inner"] if guarded else ["-m", "streamlit"]
    return [sys.executable, *launcher, "run", str(app),
            "--server.address", address, "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.maxUploadSize", str(MAX_UPLOAD_MB),
            "--server.maxMessageSize", "200",
            "--server.enableXsrfProtection", "true",
            "--server.fileWatcherType", "none",
            "--global.developmentMode", "false",
            "--client.showErrorDetails", "none",
            "--client.toolbarMode", "minimal"]


def token_ok(expected: str, query: str | None, cookie: str | None, header: str | None) -> bool:
    """Does any of the request's credentials equal the token (constant-time comparison)?"""
    given = [query, cookie]
    if header and header.lower().startswith("bearer "):
        given.append(header[7:].strip())
    return any(g is not None and hmac.compare_digest(g.encode(), expected.encode())
               for g in given)


def make_proxy(upstream_port: int, token: str, secret: str = ""):
    """A tornado application forwarding to Streamlit on 127.0.0.1:upstream_port."""
    import tornado.httpclient
    import tornado.web
    import tornado.websocket

    upstream = f"127.0.0.1:{upstream_port}"

    def check(handler) -> bool:
        q = handler.get_query_argument("token", None)
        ok = token_ok(token, q, handler.get_cookie(COOKIE),
                      handler.request.headers.get("Authorization"))
        if ok and q is not None:
            handler.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        return ok

    def forward_headers(request) -> dict:
        # Accept-Encoding stays behind: Streamlit answers the loopback leg uncompressed, so the
        # body the proxy holds is the body, and the proxy compresses for the browser itself
        # (tornado's compress_response) with a Content-Encoding that matches
        out = {k: v for k, v in request.headers.get_all() if k.lower() not in HOP
               and k.lower() not in ("authorization", "accept-encoding", INNER_HEADER)}
        if secret:
            out[INNER_HEADER] = secret
        return out

    async def fetch_upstream(req, wait_s: float = UPSTREAM_WAIT_S):
        """Streamlit's answer to ``req``, waiting while it is still starting (a browser opening
        the printed address at once would otherwise get a 502 page that never reloads); None
        if it is not listening after ``wait_s`` seconds."""
        import asyncio
        import time

        client = tornado.httpclient.AsyncHTTPClient()
        end = time.monotonic() + wait_s
        while True:
            try:
                return await client.fetch(req, raise_error=False)
            except OSError:  # not (yet) listening
                if time.monotonic() >= end:
                    return None
                await asyncio.sleep(0.25)

    class WS(tornado.websocket.WebSocketHandler):
        upstream_ws = None

        async def get(self, *args, **kwargs):
            if not check(self):
                self.set_status(403)
                self.finish("access token required")
                return
            await super().get(*args, **kwargs)

        def check_origin(self, origin):
            return True  # the token (cookie, SameSite=Strict) is the check

        def select_subprotocol(self, subprotocols):
            return subprotocols[0] if subprotocols else None

        async def open(self, *args, **kwargs):
            protos = [p.strip() for p in self.request.headers.get(
                "Sec-WebSocket-Protocol", "").split(",") if p.strip()]
            headers = {k: v for k, v in forward_headers(self.request).items()
                       if not k.lower().startswith("sec-websocket")}
            req = tornado.httpclient.HTTPRequest(f"ws://{upstream}{self.request.uri}",
                                                 headers=headers)
            self.upstream_ws = await tornado.websocket.websocket_connect(
                req, subprotocols=protos or None, on_message_callback=self._from_upstream,
                max_message_size=200 * 1024 * 1024)

        def _from_upstream(self, message):
            if message is None:
                self.close()
                return
            try:
                self.write_message(message, binary=isinstance(message, bytes))
            except tornado.websocket.WebSocketClosedError:
                pass

        async def on_message(self, message):
            if self.upstream_ws is not None:
                await self.upstream_ws.write_message(message, binary=isinstance(message, bytes))

        def on_close(self):
            if self.upstream_ws is not None:
                self.upstream_ws.close()

    class HTTP(tornado.web.RequestHandler):
        SUPPORTED_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH")

        async def _any(self, *args):
            if not check(self):
                self.set_status(403)
                self.finish("access token required: open the address with ?token=...")
                return
            body = self.request.body if self.request.method in ("POST", "PUT", "PATCH") \
                else None
            req = tornado.httpclient.HTTPRequest(
                f"http://{upstream}{self.request.uri}", method=self.request.method,
                headers=forward_headers(self.request), body=body, follow_redirects=False,
                decompress_response=True, allow_nonstandard_methods=True,
                request_timeout=300)
            resp = await fetch_upstream(req)
            if resp is None:  # Streamlit did not start listening in time
                self.set_status(502)
                self.finish("dashboard not ready")
                return
            self.set_status(resp.code if resp.code != 599 else 502)
            for k, v in resp.headers.get_all():
                if k.lower() not in HOP and k.lower() != "set-cookie":
                    self.set_header(k, v)
            for v in resp.headers.get_list("Set-Cookie"):
                self.add_header("Set-Cookie", v)
            if resp.body and self.request.method != "HEAD":
                self.write(resp.body)
            self.finish()

        get = head = post = put = delete = options = patch = _any

    return tornado.web.Application([(r"/_stcore/stream", WS), (r"/.*", HTTP)],
                                   compress_response=True)


def run_proxy(host: str, port: int, upstream_port: int, token: str, secret: str = "",
              sockets: list[socket.socket] | None = None) -> None:
    """Serve the proxy on ``sockets`` (already bound) or on ``host:port``."""
    import asyncio

    import tornado.httpserver

    async def main():
        server = tornado.httpserver.HTTPServer(make_proxy(upstream_port, token, secret),
                                               max_body_size=MAX_BODY)
        server.add_sockets(sockets if sockets is not None else bind(host, port))
        await asyncio.Event().wait()

    asyncio.run(main())


def run(host: str = "127.0.0.1", port: int = 8501, token: str | None = None,
        data_dir: Path | None = None) -> int:
    """Serve the dashboard until interrupted; returns an exit code. The address is bound
    first: a bad host or port, or a port in use, is a ServeRefused before anything starts, and
    the address printed is the one listened on (``--port 0``: the free port chosen)."""
    env = dict(os.environ)
    if data_dir is not None:
        env["AUTOALLIANCE_DATA_DIR"] = str(Path(data_dir).resolve())
    sockets = bind(host, port)
    port = listening_port(sockets)
    if is_loopback(host) and not token:
        for s in sockets:  # Streamlit binds it again (SO_REUSEADDR) as this process
            s.close()
        print(f"autoalliance dashboard: http://{host}:{port}/", flush=True)
        cmd = streamlit_command(host, port)
        os.execve(cmd[0], cmd, env)  # becomes Streamlit: one process to stop
    token = token or secrets.token_urlsafe(24)
    secret = secrets.token_urlsafe(32)
    inner = free_port()
    proc = subprocess.Popen(streamlit_command("127.0.0.1", inner, guarded=True),
                            env={**env, SECRET_ENV: secret})

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"autoalliance dashboard on {host}:{port} (token required): "
          f"http://{host}:{port}/?token={token}", flush=True)
    print(f"internal server on 127.0.0.1:{inner} (answers only this proxy)", flush=True)
    try:
        run_proxy(host, port, inner, token, secret, sockets=sockets)
    except KeyboardInterrupt:
        pass
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0
