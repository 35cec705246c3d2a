"""What every message goes through, whichever channel brought it.

Before Rasa sees a message:
- phone numbers, e-mail addresses and card numbers are masked, so that neither the
  tracker store nor any log holds them (common/personal_data.py);
- an empty message (spaces, the ideographic space, zero-width or control characters
  only) and one longer than ``max_characters`` skip the NLU: the channel hands Rasa
  their parse (``nlu_fallback`` with an ``empty_message`` or ``too_long_message``
  entity) and the rules answer with a prompt or a request to shorten it. The text is
  still stored: nothing the customer said is lost;
- a sentence with no kana or kanji (``not_japanese_message``) gets the notice that the
  chat answers in Japanese;
- the tracker store is pinged (off the event loop, bounded); when it is down the customer
  gets the apology with the customer-service contact instead of an answer.

The replies are held until the message has been processed: when this conversation could
not be saved they are replaced by that apology, so nothing is acknowledged that is not
stored (both channels).

After it, the customer is never left in silence: when Rasa produced no reply (the
action server is down or failed) or none within ``reply_timeout_seconds`` (it is slow),
the apology with the customer-service chat and phone paths is sent. A slow message is
not cancelled: it finishes in the background, so the conversation is stored whole.
"""
from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.constants import INTENT_MESSAGE_PREFIX

from channels.store_guard import save_failed, store_reachable, unavailable_messages
from common.input_flags import EMPTY, LAST_REPLY_UNDELIVERED, NOT_JAPANESE, TOO_LONG
from common.personal_data import mask
from common.renderer import render

logger = logging.getLogger(__name__)

NO_REPLY_ANSWER = "reply_unavailable"
# Characters that carry nothing to read: spaces (incl. U+3000), line breaks, control
# and format characters (zero-width space, BOM, direction marks), lone surrogates.
_BLANK_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Cs"}
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class GuardSettings:
    """From each channel's section of credentials.yml (``guard``)."""

    max_characters: int
    reply_timeout_seconds: float

    @classmethod
    def from_credentials(cls, credentials: Dict[Text, Any]) -> "GuardSettings":
        guard = credentials.get("guard")
        if not isinstance(guard, dict):
            raise ValueError("credentials.yml: each channel needs its 'guard' settings")
        return cls(int(guard["max_characters"]), float(guard["reply_timeout_seconds"]))


# Rasa's SQL tracker store keeps sender ids in a 255-character column.
MAX_SENDER_LENGTH = 128


def valid_sender(sender: Any) -> bool:
    """A REST ``sender`` or a socket.io ``session_id`` the tracker store can key on."""
    return (isinstance(sender, str) and 0 < len(sender.strip()) and len(sender) <= MAX_SENDER_LENGTH
            and sender.isprintable())


def is_blank(text: Text) -> bool:
    return all(c.isspace() or unicodedata.category(c) in _BLANK_CATEGORIES for c in text)


def not_japanese(text: Text) -> bool:
    """A sentence in another language (role-play 6: 「Hi, can I talk to a human?」 got
    「別の言い方で」): several Latin words and no kana or kanji. 「hi」「Hello!」 stay greetings,
    and a button's payload (``/intent{...}``, Rasa's intent prefix) is no sentence."""
    if text.lstrip().startswith(INTENT_MESSAGE_PREFIX) or any(_is_japanese(c) for c in text):
        return False
    return len(_LATIN_WORD.findall(text)) >= 3


def _is_japanese(c: Text) -> bool:
    return ("\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uff66" <= c <= "\uff9f"
            or "\uf900" <= c <= "\ufaff")


def flagged_parse(text: Text, entity: Text) -> Dict[Text, Any]:
    return {
        "text": text,
        "intent": {"name": "nlu_fallback", "confidence": 1.0},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 1.0}],
        "entities": [{"entity": entity, "value": "true", "start": 0, "end": 0,
                      "extractor": "MessageGuard"}],
    }


async def _send_all(output: OutputChannel, recipient_id: Text, messages: List[Dict[Text, Any]]) -> None:
    for message in messages:
        await output.send_response(recipient_id, message)


class HeldOutput(OutputChannel):
    """Holds a message's replies until its conversation is stored, then passes them on.

    Held, because an answer must not be acknowledged when the conversation it belongs to
    could not be saved; after the reply timeout (the customer already has the apology)
    whatever comes later passes straight through.
    """

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.held: List[Tuple[Text, Dict[Text, Any]]] = []
        self.passing = False

    def name(self) -> Text:  # type: ignore[override]  # the channel's responses apply
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if self.passing:
            await self.inner.send_response(recipient_id, message)
        else:
            self.held.append((recipient_id, message))

    async def release(self) -> None:
        self.passing = True
        for recipient_id, message in self.held:
            await self.inner.send_response(recipient_id, message)


class MessageGuard:
    def __init__(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        settings: GuardSettings,
        late_replies_reach_customer: bool = False,
    ) -> None:
        self.on_new_message = on_new_message
        self.settings = settings
        self._background: Set[asyncio.Task] = set()
        # A REST reply is one response: what comes after the reply timeout is lost. The
        # next message of that customer says so, and the answer is given in full again.
        self.late_replies_reach_customer = late_replies_reach_customer
        self._undelivered: Set[Text] = set()

    async def prepare(self, message: UserMessage) -> UserMessage:
        """The message as Rasa may see and store it.

        The length is checked before anything else reads the text. An over-long text
        is still masked and stored (nothing the customer said is lost), but in a
        worker thread: masking is linear, yet a megabyte of it takes a second or two,
        which must not stall the other conversations on this event loop.
        """
        text = message.text or ""
        parse_data: Optional[Dict[Text, Any]] = None
        if len(text) > self.settings.max_characters:
            text = (await asyncio.get_running_loop().run_in_executor(None, mask, text)).text
            parse_data = flagged_parse(text, TOO_LONG)
        else:
            text = mask(text).text
            if is_blank(text):
                parse_data = flagged_parse(text, EMPTY)
            elif not_japanese(text):
                parse_data = flagged_parse(text, NOT_JAPANESE)
        metadata = message.metadata
        if message.sender_id in self._undelivered:
            self._undelivered.discard(message.sender_id)
            metadata = {**(metadata or {}), LAST_REPLY_UNDELIVERED: True}
        return UserMessage(
            text,
            HeldOutput(message.output_channel),
            message.sender_id,
            parse_data=parse_data,
            input_channel=message.input_channel,
            message_id=message.message_id,
            metadata=metadata,
        )

    async def __call__(self, message: UserMessage) -> None:
        prepared = await self.prepare(message)
        output = prepared.output_channel
        assert isinstance(output, HeldOutput)
        sender = prepared.sender_id
        if not await store_reachable(sender):
            await _send_all(output.inner, sender, unavailable_messages())
            return
        task = asyncio.ensure_future(self.on_new_message(prepared))
        self._background.add(task)
        task.add_done_callback(self._finished)
        done, _ = await asyncio.wait({task}, timeout=self.settings.reply_timeout_seconds)
        if not done:
            logger.error("no reply to %s within %ss; apologised, still processing",
                         sender, self.settings.reply_timeout_seconds)
            await output.release()  # nothing yet; what comes later goes straight on
            if not self.late_replies_reach_customer:
                self._undelivered.add(sender)
            await _send_all(output.inner, sender, render(NO_REPLY_ANSWER))
        elif save_failed(sender):
            logger.error("conversation %s could not be stored; answer withheld", sender)
            await _send_all(output.inner, sender, unavailable_messages())
        elif not output.held:
            logger.error("no reply to %s (is the action server up?)", sender)
            await _send_all(output.inner, sender, render(NO_REPLY_ANSWER))
        else:
            await output.release()

    def _finished(self, task: asyncio.Task) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("message processing failed", exc_info=task.exception())
