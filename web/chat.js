// Starts the widget. The Rasa server URL comes from config.js, which `make run`
// writes (scripts/serve_web.py), so the page needs no build step.
(function () {
  var config = window.CHAT_CONFIG || { socketUrl: "http://localhost:5005" };
  WebChat.default(
    {
      initPayload: "/greet",
      socketUrl: config.socketUrl,
      socketPath: "/socket.io/",
      title: "Amazon 注文サポート",
      subtitle: "自動応答アシスタント",
      inputTextFieldHint: "メッセージを入力…",
      connectingText: "接続しています…",
      embedded: true,
      showFullScreenButton: false,
      displayUnreadCount: false,
      hideWhenNotConnected: false,
      customMessageDelay: function () { return 400; },
      params: { storage: "local" },
    },
    document.getElementById("webchat")
  );
})();
