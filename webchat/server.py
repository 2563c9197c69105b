"""Serve the web chat page and its embeddable script (standard library only).

    python -m webchat.server --port 8080 --rasa-url http://localhost:5005

Only the files listed in ``ROUTES`` are served (no directory listing, no path lookups), every
response carries a strict Content-Security-Policy, and the pages load nothing from other hosts:
scripts, styles and the icon come from this server, and the only connection allowed is the
WebSocket to Rasa.
"""

from __future__ import annotations

import argparse
import html
import logging
import sys
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

STATIC = Path(__file__).resolve().parent / "static"

# path -> (file in static/, content type, is a page that gets the Rasa URL filled in)
ROUTES: dict[str, tuple[str, str, bool]] = {
    "/": ("index.html", "text/html; charset=utf-8", True),
    "/index.html": ("index.html", "text/html; charset=utf-8", True),
    "/embed-example.html": ("embed-example.html", "text/html; charset=utf-8", True),
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8", False),
    "/sio-client.js": ("sio-client.js", "text/javascript; charset=utf-8", False),
    "/widget.css": ("widget.css", "text/css; charset=utf-8", False),
    "/page.css": ("page.css", "text/css; charset=utf-8", False),
    "/favicon.svg": ("favicon.svg", "image/svg+xml", False),
}

logger = logging.getLogger("webchat")


def rasa_origins(rasa_url: str) -> tuple[str, str]:
    """Return the HTTP and WebSocket origins of `rasa_url` (e.g. for connect-src)."""
    parts = urlsplit(rasa_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"--rasa-url must be an http(s) URL, got {rasa_url!r}")
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc}", f"{ws_scheme}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    """Return the CSP: everything from this server only, plus connections to Rasa."""
    http_origin, ws_origin = rasa_origins(rasa_url)
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        f"connect-src {ws_origin} {http_origin}",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])


def security_headers(rasa_url: str, page: bool) -> dict[str, str]:
    """Return the headers sent with every response (CSP and framing rules only on pages)."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
        # Scripts and styles may be embedded by other sites; pages may not be framed.
        "Cross-Origin-Resource-Policy": "same-site" if page else "cross-origin",
    }
    if page:
        headers["Content-Security-Policy"] = content_security_policy(rasa_url)
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    return headers


def render(route: str, rasa_url: str) -> tuple[bytes, str, bool]:
    """Return the body, content type and page flag for a known route."""
    filename, content_type, page = ROUTES[route]
    body = (STATIC / filename).read_bytes()
    if page:
        body = body.replace(b"{{RASA_URL}}", html.escape(rasa_url, quote=True).encode())
    return body, content_type, page


class ChatRequestHandler(BaseHTTPRequestHandler):
    """Answer GET/HEAD for the fixed routes, /healthz, and 404 for anything else."""

    server_version = "webchat"
    sys_version = ""

    def __init__(self, *args: object, rasa_url: str, **kwargs: object) -> None:
        """Remember the Rasa URL the pages should connect to."""
        self.rasa_url = rasa_url
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        """Serve a file."""
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        """Serve a file's headers."""
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        route = urlsplit(self.path).path
        if route == "/healthz":
            self._send(HTTPStatus.OK, b"ok\n", "text/plain; charset=utf-8", False, send_body)
        elif route in ROUTES:
            body, content_type, page = render(route, self.rasa_url)
            self._send(HTTPStatus.OK, body, content_type, page, send_body)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", False,
                       send_body)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, page: bool,
              send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in security_headers(self.rasa_url, page).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Log requests without client addresses (privacy) at debug level."""
        logger.debug("%s", format % args)


def make_server(host: str, port: int, rasa_url: str) -> ThreadingHTTPServer:
    """Create (but do not start) the web chat server."""
    rasa_origins(rasa_url)  # fail early on a bad URL
    handler = partial(ChatRequestHandler, rasa_url=rasa_url)
    ThreadingHTTPServer.allow_reuse_address = True
    return ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> int:
    """Run the server until interrupted."""
    parser = argparse.ArgumentParser(description="Serve the loan scam check web chat.")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (8080)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    parser.add_argument("--rasa-url", default="http://localhost:5005",
                        help="where the browser reaches Rasa (http://localhost:5005)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        server = make_server(args.host, args.port, args.rasa_url)
    except (OSError, ValueError) as error:
        print(f"Cannot start the web chat server: {error}", file=sys.stderr)
        return 1
    logger.info("Web chat on http://%s:%d/ (Rasa at %s)", args.host, args.port, args.rasa_url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
