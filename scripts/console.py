"""Chat with the running bot in the terminal: Rasa's own console client (as in `rasa shell`).

It posts to the project's REST channel, so every message goes through the same guard
as the chat page's (channels/guard.py).
"""
from __future__ import annotations

import argparse
import asyncio
import uuid

from rasa.core.channels.console import record_messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the Rasa server, e.g. http://127.0.0.1:5005")
    args = parser.parse_args()
    asyncio.run(record_messages(f"shell-{uuid.uuid4().hex[:12]}", server_url=args.url,
                                use_response_stream=False))


if __name__ == "__main__":
    main()
