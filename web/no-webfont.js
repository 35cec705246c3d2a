// rasa-webchat's styles start with `@import url(https://fonts.googleapis.com/…)`, a web
// font from the internet. The page's Content-Security-Policy would block it and log an
// error on every load (13 of them); the page uses the machine's Japanese fonts instead.
// The bundle writes each stylesheet as a text node put into a <style> element, so the
// import is dropped there, before the browser parses the sheet. Runs before the bundle.
(function () {
  "use strict";
  var REMOTE_IMPORT = /@import\s+url\(\s*["']?https?:[^)]*\)[^;]*;?/g;
  ["appendChild", "insertBefore"].forEach(function (name) {
    var original = Node.prototype[name];
    Node.prototype[name] = function (child) {
      if (this.nodeName === "STYLE" && child && child.nodeType === Node.TEXT_NODE) {
        child.data = child.data.replace(REMOTE_IMPORT, "");
      }
      return original.apply(this, arguments);
    };
  });
})();
