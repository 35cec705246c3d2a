"""Hostile input: one customer's megabyte message, and another customer's answer meanwhile.

Why: masking once took 15 s for 40,000 letters on the event loop, and every other
conversation waited. For each shape, the attacker's message and, 50 ms later, another
customer's 「返品したい」 are sent at the same time; both reply times are reported. The
other customer's time is the one that matters: it should stay near a normal reply.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict

import requests

from bench import serving

MEGABYTE = 1_000_000
SHAPES: Dict[str, str] = {
    "letters": "a" * MEGABYTE,
    "digits": "1" * MEGABYTE,
    "letters and digits": "a1" * (MEGABYTE // 2),
    "digit-dash runs": "1-" * (MEGABYTE // 2),
    "dots": "." * MEGABYTE,
    "at signs": "a@" * (MEGABYTE // 2),
    "full-width": "ａ１" * (MEGABYTE // 2),
}


def _reply_seconds(url: str, sender: str, text: str) -> float:
    started = time.perf_counter()
    requests.post(url, json={"sender": sender, "message": text}, timeout=300).raise_for_status()
    return time.perf_counter() - started


def run(log: Callable[[str], None], workdir: Path) -> Dict[str, Any]:
    server = serving.start_ours(workdir)
    try:
        server.wait_for_first_answer("こんにちは")
        normal = _reply_seconds(server.webhook, "hostile-baseline", "返品したい")
        shapes: Dict[str, Dict[str, float]] = {}
        for name, text in SHAPES.items():
            with ThreadPoolExecutor(2) as pool:
                attacker = pool.submit(_reply_seconds, server.webhook, f"attacker-{len(shapes)}", text)
                time.sleep(0.05)
                other = pool.submit(_reply_seconds, server.webhook, f"customer-{len(shapes)}", "返品したい")
                shapes[name] = {"attacker_s": attacker.result(), "other_customer_s": other.result()}
            log(f"{name}: attacker {shapes[name]['attacker_s']:.2f} s, "
                f"another customer {shapes[name]['other_customer_s']:.2f} s")
        return {"normal_reply_s": normal, "shapes": shapes,
                "worst_other_customer_s": max(s["other_customer_s"] for s in shapes.values())}
    finally:
        server.stop()
