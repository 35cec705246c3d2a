"""History: one conversation per tab, and nothing lost by a reload.

Two tabs of one browser (one context: shared cookies and localStorage) used to share one
stored conversation, the last writer winning. Each tab now keeps its own in
sessionStorage, which a reload keeps.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.chat_page import (
    GREETING,
    VIEWPORTS,
    ChatStack,
    OpenPage,
    bot_messages,
    client_messages,
    quick_reply,
    send,
)

SESSION_ID = "JSON.parse(sessionStorage.getItem('chat_session') || '{}').session_id"


def open_tab(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_text(GREETING)).to_be_visible(timeout=60_000)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_two_tabs_keep_their_own_conversation_through_reloads(stack: ChatStack, open_page: OpenPage,
                                                              device: str) -> None:
    returns = open_page(VIEWPORTS[device]).page
    cancel = open_page(VIEWPORTS[device], context=returns.context).page
    open_tab(returns, stack.page_url)
    open_tab(cancel, stack.page_url)
    assert returns.evaluate(SESSION_ID) != cancel.evaluate(SESSION_ID)

    send(returns, "返品したいです")
    send(cancel, "注文をキャンセルしたい")
    # The buttons come with a turn's last message: when they show, the turn is complete.
    expect(quick_reply(returns, "Amazonから発送")).to_be_visible(timeout=30_000)
    expect(quick_reply(cancel, "出荷準備前")).to_be_visible(timeout=30_000)
    before = {tab: (client_messages(tab), bot_messages(tab)) for tab in (returns, cancel)}

    for tab in (returns, cancel):
        tab.reload()
    expect(quick_reply(returns, "Amazonから発送")).to_be_visible(timeout=30_000)
    expect(quick_reply(cancel, "出荷準備前")).to_be_visible(timeout=30_000)
    for tab in (returns, cancel):
        assert (client_messages(tab), bot_messages(tab)) == before[tab]
    assert client_messages(returns) == ["返品したいです"]
    assert client_messages(cancel) == ["注文をキャンセルしたい"]
    assert returns.evaluate("localStorage.getItem('chat_session')") is None

    # Each reloaded tab goes on with its own conversation on the server too.
    quick_reply(returns, "Amazonから発送").click()
    expect(returns.get_by_text("返品の手順です")).to_be_visible(timeout=30_000)
    quick_reply(cancel, "出荷準備前").click()
    expect(cancel.get_by_text("キャンセルの手順です")).to_be_visible(timeout=30_000)
    assert "返品の手順です" not in "\n".join(bot_messages(cancel))
