// Polls the progress of a unit ZIP and reveals the download link when it is ready.
(function () {
  "use strict";
  var box = document.getElementById("archive");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function update(data) {
    document.getElementById("archive-status-label").textContent = data.status_label;
    document.getElementById("archive-done").textContent = data.done;
    document.getElementById("archive-total").textContent = data.total;
    var bar = document.getElementById("archive-bar");
    bar.style.width = data.percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", data.percent);
    document.getElementById("archive-ready").hidden = data.status !== "ready";
    document.getElementById("archive-failed").hidden = data.status !== "failed";
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
