// Polls the progress of a coverage report and reveals the download link when it is ready (without JavaScript
// the page reloads itself every few seconds instead).
(function () {
  "use strict";
  var box = document.getElementById("report");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function update(data) {
    document.getElementById("report-status-label").textContent = data.status_label;
    document.getElementById("report-done").textContent = data.done;
    document.getElementById("report-total").textContent = data.total;
    var bar = document.getElementById("report-bar");
    bar.style.width = data.percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", data.percent);
    document.getElementById("report-ready").hidden = data.status !== "ready";
    document.getElementById("report-failed").hidden = data.status !== "failed";
    document.getElementById("report-reload").hidden = data.status === "ready" || data.status === "failed";
    return data.status === "ready" || data.status === "failed";
  }
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (!update(data)) { setTimeout(poll, 1000); } })
      .catch(function () { setTimeout(poll, 3000); });
  }
  var status = box.getAttribute("data-status");
  if (status !== "ready" && status !== "failed") { poll(); }
})();
