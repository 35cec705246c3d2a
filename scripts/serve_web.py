"""Serves the chat page (web/) and tells it where the Rasa server is.

Why a script and not `python -m http.server`:
- ``config.js`` is made here: the Rasa URL from the command line, the page's wording from
  ``web/page.yml``, and the offline notice rendered from the knowledge file by the bot's
  own renderer (``common/renderer.py``), so nothing the page says about customer
  service is written twice.
- http.server speaks HTTP/1.0, compresses nothing, sets no cache validators, lists
  directories (``/node_modules/`` showed 478 packages) and answers HEAD differently from
  GET. Here: HTTP/1.1 keep-alive, gzip, ETag revalidation, HEAD = GET without the body,
  and only the page's own files and the widget's bundle are served.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Optional, Tuple
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
WEB_ROOT = ROOT / "web"
PAGE_CONFIG = WEB_ROOT / "page.yml"
# The one file served from node_modules: everything else there is build material.
BUNDLE = "node_modules/rasa-webchat/lib/index.js"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
COMPRESS_FROM = 512  # bytes; smaller bodies gain nothing from gzip


@dataclass(frozen=True)
class Body:
    """A response body in both encodings, with the validators of each."""

    content_type: str
    plain: bytes
    gzipped: Optional[bytes]

    @staticmethod
    def of(content_type: str, data: bytes) -> "Body":
        compressible = len(data) >= COMPRESS_FROM
        # mtime=0: the same bytes give the same gzip stream, so the ETag stays stable.
        return Body(content_type, data, gzip.compress(data, mtime=0) if compressible else None)

    def variant(self, accepts_gzip: bool) -> Tuple[bytes, Optional[str], str]:
        """(bytes, Content-Encoding, ETag) for a client that does or does not take gzip."""
        if accepts_gzip and self.gzipped is not None:
            return self.gzipped, "gzip", f'"{hashlib.sha256(self.gzipped).hexdigest()[:32]}-gz"'
        return self.plain, None, f'"{hashlib.sha256(self.plain).hexdigest()[:32]}"'


def offline_messages(page: dict) -> list:
    """The contact paths shown when the bot cannot be reached, as the bot would word them."""
    sys.path.insert(0, str(ROOT))
    from common.knowledge import load
    from common.renderer import render, render_text

    knowledge = load()
    offline = page["offline"]
    texts = [render_text([knowledge.entries[e] for e in offline.get("entries", [])])]
    texts += [m["text"] for answer in offline.get("answers", []) for m in render(answer)]
    return [text for text in texts if text]


def config_js(socket_url: str, page_config: Path = PAGE_CONFIG) -> bytes:
    page = yaml.safe_load(page_config.read_text(encoding="utf-8"))
    config = {
        "socketUrl": socket_url,
        "widget": page["widget"],
        "labels": page["labels"],
        "offline": {
            "afterSeconds": page["offline"]["after_seconds"],
            "headline": page["offline"]["headline"],
            "messages": offline_messages(page),
        },
    }
    return f"window.CHAT_CONFIG = {json.dumps(config, ensure_ascii=False, indent=1)};\n".encode()


def public_file(url_path: str) -> Optional[Path]:
    """The file a URL path names, if it is one the page may serve; None otherwise.

    Top-level files of web/ with a known type, and the widget's bundle: no directory,
    no dot-file, no package.json, nothing else from node_modules.
    """
    path = unquote(url_path)
    relative = "index.html" if path == "/" else path.lstrip("/")
    if relative != BUNDLE and ("/" in relative or relative.startswith(".")):
        return None
    file = WEB_ROOT / relative
    return file if file.suffix in TYPES and file.is_file() else None


class ChatPageHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "chat-page"
    sys_version = ""
    timeout = 60  # an idle keep-alive connection gives its thread back
    socket_url = "http://localhost:5005"
    config: Body = Body.of(TYPES[".js"], b"")
    cache: Dict[Tuple[Path, int], Body] = {}  # file bodies by (path, mtime_ns)

    def end_headers(self) -> None:
        # The page may talk to the Rasa server and load its own files, nothing else:
        # no CDN, no web font, and an injected <script> would not run. data: fonts are
        # the widget's own icon font, inside its bundle.
        rasa = self.socket_url.rstrip("/")
        websocket = rasa.replace("http", "ws", 1)
        self.send_header(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; font-src 'self' data:; connect-src 'self' {rasa} {websocket}; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def body_for(self, url_path: str) -> Optional[Body]:
        if url_path == "/config.js":
            return self.config
        file = public_file(url_path)
        if file is None:
            return None
        key = (file, file.stat().st_mtime_ns)
        if key not in self.cache:
            self.cache[key] = Body.of(TYPES[file.suffix], file.read_bytes())
        return self.cache[key]

    def accepts_gzip(self) -> bool:
        for part in self.headers.get("Accept-Encoding", "").split(","):
            coding, _, params = part.strip().partition(";")
            if coding.strip().lower() == "gzip" and params.replace(" ", "") not in ("q=0", "q=0.0"):
                return True
        return False

    def respond(self, with_body: bool) -> None:
        body = self.body_for(urlsplit(self.path).path)
        if body is None:
            self.send_error(404)
            return
        data, encoding, etag = body.variant(self.accepts_gzip())
        fresh = etag in [tag.strip() for tag in self.headers.get("If-None-Match", "").split(",")]
        self.send_response(304 if fresh else 200)
        self.send_header("Content-Type", body.content_type)
        # Files keep their names across releases (no hashes), so the browser revalidates
        # every time; the ETag makes that a small 304.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("ETag", etag)
        if body.gzipped is not None:
            self.send_header("Vary", "Accept-Encoding")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if not fresh:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if with_body and not fresh:
            self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.respond(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self.respond(with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the page's own requests are not worth a log line each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rasa-url", default="http://localhost:5005")
    args = parser.parse_args()
    handler = type("Handler", (ChatPageHandler,), {
        "socket_url": args.rasa_url,
        "config": Body.of(TYPES[".js"], config_js(args.rasa_url)),
        "cache": {},
    })
    server = ThreadingHTTPServer((args.host, args.port), handler)
    server.daemon_threads = True
    print(f"Chat page: http://localhost:{args.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
