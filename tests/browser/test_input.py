"""Input guards: whitespace-only messages are not sent, nor is the Enter that ends an IME composition.

Every attempt is made first, then one real message: a wrongly sent message would show as
a customer bubble before it (the widget draws a sent message at once), so the test needs
no waiting for something not to happen.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.chat_page import (
    PAGE_TEXT,
    VIEWPORTS,
    ChatStack,
    OpenPage,
    bot_messages,
    client_messages,
    open_chat,
    wait_for_reply,
)

# keydown events as an IME sends them while a conversion is open: Chromium and Safari
# report keyCode 229, the standard says isComposing; either alone must hold the message.
COMPOSING_ENTER = """(inits) => {
  const box = document.querySelector('.rw-new-message');
  for (const init of inits) {
    const event = { key: 'Enter', bubbles: true, cancelable: true, ...init };
    box.dispatchEvent(new KeyboardEvent('keydown', event));
  }
}"""


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_blank_messages_and_ime_enter_are_not_sent(stack: ChatStack, open_page: OpenPage,
                                                   device: str) -> None:
    page = open_chat(open_page, stack, VIEWPORTS[device]).page
    box = page.get_by_role("textbox", name=PAGE_TEXT["labels"]["input"])
    send_button = page.get_by_role("button", name=PAGE_TEXT["labels"]["send"])

    for blank in ("   ", "\u3000\u3000", " \u3000 \n "):
        box.fill(blank)
        box.press("Enter")
        if send_button.is_enabled():  # the widget enables it for any character
            send_button.click()

    box.fill("注文をキャンセルしたい")
    page.evaluate(COMPOSING_ENTER, [{"keyCode": 229, "isComposing": True},
                                    {"keyCode": 13, "isComposing": True},
                                    {"keyCode": 229, "isComposing": False}])
    expect(box).to_have_value("注文をキャンセルしたい")
    bots = len(bot_messages(page))
    # The same synthetic event without composition does send: the guards above were tested
    # against a path that reaches the widget.
    page.evaluate(COMPOSING_ENTER, [{"keyCode": 13, "isComposing": False}])
    wait_for_reply(page, bots)
    expect(page.locator(".rw-client")).to_have_count(1)
    assert client_messages(page) == ["注文をキャンセルしたい"]
    expect(page.get_by_text("ご注文のステータスを教えてください")).to_be_visible(timeout=30_000)
