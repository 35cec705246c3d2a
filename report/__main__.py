"""``python -m report`` (``make report``): read the tracker store, write the report.

Why the endpoints file and not a database URL: it is what the server reads, so the report
reads the store the server writes, in either profile (``make report PROFILE=production``
passes endpoints.production.yml, its ``${VAR}`` from the environment).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path
from typing import List

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")  # before SQLAlchemy is imported

from report.figures import TIMEZONE  # noqa: E402


def _arguments(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=Path,
                        default=Path(os.environ.get("ENDPOINTS") or "endpoints.yml"),
                        help="the endpoints file whose tracker_store to read (default: $ENDPOINTS or "
                             "endpoints.yml)")
    parser.add_argument("--out", type=Path, default=Path("results"),
                        help="where report.md, report.html and report/*.png go (default: results)")
    parser.add_argument("--timezone", default=TIMEZONE, help=f"whose days to count in (default: {TIMEZONE})")
    parser.add_argument("--rasa-markers", action="store_true",
                        help="also run `rasa evaluate markers` with markers.yml and check it agrees "
                             "(slow on a large store: it loads every tracker)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser.parse_args(argv)


def main(argv: List[str]) -> int:
    args = _arguments(argv)
    with warnings.catch_warnings():  # Rasa's and SQLAlchemy's deprecations are not the operator's
        warnings.simplefilter("ignore")
        # Rasa's imports put their own filters first ("once" for DeprecationWarning): mute the output.
        warnings.showwarning = lambda *_args, **_kwargs: None
        return _report(args)


def _report(args: argparse.Namespace) -> int:
    from report import figures, markers, render, store

    started = time.monotonic()
    try:
        url = store.database_url(args.endpoints)
        engine = store.connect(url)
        source = url.render_as_string(hide_password=True)
        if not args.quiet:
            print(f"report: reading {source}", file=sys.stderr, flush=True)
        result = figures.compute(store.read_events(engine, progress=not args.quiet), args.timezone)
    except store.StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    md_path, html_path = render.write(result, args.out, source)
    print(f"report: {result.conversations:,} conversations, {result.user_messages:,} messages; "
          f"wrote {md_path} and {html_path} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    if args.rasa_markers:
        ours, rasas = markers.from_figures(result), markers.from_rasa(args.endpoints)
        for name in ours:
            print(f"marker {name:>14}: report {ours[name]:,}, rasa evaluate markers {rasas[name]:,}"
                  f"{'' if ours[name] == rasas[name] else '  <- differ'}", file=sys.stderr)
        if ours != rasas:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
