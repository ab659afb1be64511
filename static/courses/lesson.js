// Time on a lesson page: count seconds while the page is visible and report them about every 30 s,
// and once more when the page is hidden or closed. The server caps what it credits.
(function () {
  "use strict";
  var article = document.querySelector("article.lesson[data-ping-url]");
  if (!article) { return; }
  var url = article.getAttribute("data-ping-url");
  var token = article.getAttribute("data-csrf");
  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  var pending = 0;

  function collect() {
    if (visibleSince !== null) {
      pending += (Date.now() - visibleSince) / 1000;
      visibleSince = document.visibilityState === "visible" ? Date.now() : null;
    }
  }

  function send(useBeacon) {
    collect();
    var seconds = Math.min(60, Math.round(pending));
    if (seconds < 1) { return; }
    pending = 0;
    var body = new FormData();
    body.append("seconds", String(seconds));
    body.append("csrfmiddlewaretoken", token);
    if (useBeacon && navigator.sendBeacon) {
      navigator.sendBeacon(url, body);
      return;
    }
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } })
      .catch(function () { /* offline: the next ping will carry on */ });
  }

  window.setInterval(function () {
    if (document.visibilityState === "visible") { send(false); }
  }, 30000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      send(true);
    } else {
      visibleSince = Date.now();
    }
  });
  window.addEventListener("pagehide", function () { send(true); });
})();
