"""The Streamlit server behind ``serve``'s proxy, answering only requests that carry the secret.

``serve`` (beyond localhost, or with a token) starts Streamlit on a free 127.0.0.1 port. Any
local user can connect to that port, so the port alone protects nothing: this launcher wraps
Streamlit's ASGI application in :func:`guard`, which refuses (HTTP 403, or a WebSocket closed
before it opens) every request without the header ``X-Autoalliance-Secret`` equal to a secret
made fresh for each start. The secret reaches this process in its environment (readable only by
its own user, unlike the command line), is removed from it at once, and is added by the proxy
to every request it forwards after checking the user's token.
"""

from __future__ import annotations

import hmac
import os
import sys

SECRET_ENV = "AUTOALLIANCE_INNER_SECRET"
HEADER = "x-autoalliance-secret"


def guard(app, secret: str):
    """An ASGI application that passes to ``app`` only the HTTP and WebSocket requests whose
    ``X-Autoalliance-Secret`` header equals ``secret`` (constant-time comparison)."""
    expected = secret.encode()
    if not expected:
        raise ValueError("the inner server's secret is empty")

    async def guarded(scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            given = [v for k, v in scope.get("headers", []) if k.lower() == HEADER.encode()]
            if len(given) != 1 or not hmac.compare_digest(given[0], expected):
                if scope["type"] == "http":
                    await send({"type": "http.response.start", "status": 403,
                                "headers": [(b"content-type", b"text/plain")]})
                    await send({"type": "http.response.body",
                                "body": b"forbidden: open the dashboard through its address"})
                else:  # closing before accepting answers the handshake with 403
                    await send({"type": "websocket.close", "code": 1008})
                return
        await app(scope, receive, send)

    return guarded


def main() -> None:
    secret = os.environ.pop(SECRET_ENV, "")
    if not secret:
        sys.exit("autoalliance: the inner dashboard server needs its secret; start it with "
                 "`autoalliance serve`")
    try:
        from streamlit.web.server.starlette import starlette_server
        make = starlette_server.create_starlette_app
    except (ImportError, AttributeError) as e:  # fail closed: never serve unguarded
        sys.exit(f"autoalliance: this Streamlit version cannot be guarded ({e}); refusing to "
                 f"serve beyond localhost")
    starlette_server.create_starlette_app = lambda runtime: guard(make(runtime), secret)
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
