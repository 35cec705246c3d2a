"""Serves the chat page (web/) and tells it where the Rasa server is.

Why a script and not `python -m http.server`: the page's ``config.js`` is written
from the command line here, so the same files work for any Rasa URL, and only the
page's own folder is served.
"""
from __future__ import annotations

import argparse
import functools
import json
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"


class ChatPageHandler(SimpleHTTPRequestHandler):
    socket_url = "http://localhost:5005"

    def end_headers(self) -> None:
        # The page may talk to the Rasa server and load its own files, nothing else:
        # no CDN, no web font (the widget's bundle @imports one from the internet),
        # and an injected <script> would not run.
        rasa = self.socket_url.rstrip("/")
        websocket = rasa.replace("http", "ws", 1)
        self.send_header(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; font-src 'self'; connect-src 'self' {rasa} {websocket}; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.split("?")[0] == "/config.js":
            body = f"window.CHAT_CONFIG = {json.dumps({'socketUrl': self.socket_url})};\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the page's own requests are not worth a log line each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rasa-url", default="http://localhost:5005")
    args = parser.parse_args()
    handler = type("Handler", (ChatPageHandler,), {"socket_url": args.rasa_url})
    server = ThreadingHTTPServer(
        (args.host, args.port), functools.partial(handler, directory=str(WEB_ROOT))
    )
    print(f"Chat page: http://localhost:{args.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
