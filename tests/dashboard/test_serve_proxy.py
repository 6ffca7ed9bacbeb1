"""The token proxy hands a download over byte for byte: Streamlit may compress what it serves,
the proxy must never pass compressed bytes on without saying so (the report and workbook
downloads in token mode were saved as gzip)."""

import asyncio
import gzip
import threading
import urllib.request

import pytest

from autoalliance.dashboard.serve import COOKIE, free_port, make_proxy

BODY = ("<html>" + "report-data " * 5000 + "</html>").encode()
XLSX = bytes(range(256)) * 400


@pytest.fixture
def proxy():
    import tornado.httpserver
    import tornado.web

    class Page(tornado.web.RequestHandler):
        def get(self, name):
            if name == "book.xlsx":
                self.set_header("Content-Type", "application/octet-stream")
                self.write(XLSX)
            else:
                self.set_header("Content-Type", "text/html")
                self.write(BODY)

    up, port = free_port(), free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        # the upstream compresses whenever the request allows it, as Streamlit does
        upstream = tornado.web.Application([(r"/(.*)", Page)], compress_response=True)
        tornado.httpserver.HTTPServer(upstream).listen(up, address="127.0.0.1")
        tornado.httpserver.HTTPServer(make_proxy(up, "tok")).listen(port, address="127.0.0.1")
        loop.call_soon(ready.set)
        loop.run_forever()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    ready.wait(10)
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    t.join(5)


def _get(url, gzip_ok: bool):
    headers = {"Cookie": f"{COOKIE}=tok"}
    if gzip_ok:
        headers["Accept-Encoding"] = "gzip"
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        return r.headers.get("Content-Encoding"), r.read()


@pytest.mark.parametrize("gzip_ok", [False, True])
@pytest.mark.parametrize("name, body", [("report.html", BODY), ("book.xlsx", XLSX)])
def test_download_through_the_proxy_is_the_file(proxy, gzip_ok, name, body):
    encoding, got = _get(f"{proxy}/{name}", gzip_ok)
    if encoding == "gzip":  # compressed only when asked, and then said so
        assert gzip_ok
        got = gzip.decompress(got)
    else:
        assert encoding is None
    assert got == body


def test_a_request_while_streamlit_starts_waits_for_it():
    """The address is printed before Streamlit listens behind the proxy: a browser opening it at
    once gets the page once Streamlit is up, not a 502 that never reloads (the token-mode browser
    test on a cold machine)."""
    import time

    import tornado.httpserver
    import tornado.web

    class Page(tornado.web.RequestHandler):
        def get(self):
            self.write("up")

    up, port = free_port(), free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        tornado.httpserver.HTTPServer(make_proxy(up, "tok")).listen(port, address="127.0.0.1")
        # the upstream starts listening 1.5 s after the proxy
        loop.call_later(1.5, lambda: tornado.httpserver.HTTPServer(
            tornado.web.Application([(r"/", Page)])).listen(up, address="127.0.0.1"))
        loop.call_soon(ready.set)
        loop.run_forever()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    ready.wait(10)
    start = time.monotonic()
    try:
        encoding, got = _get(f"http://127.0.0.1:{port}/", gzip_ok=False)
        assert got == b"up" and time.monotonic() - start >= 1.0
    finally:
        loop.call_soon_threadsafe(loop.stop)
        t.join(5)
