// Polls the progress of a file built in the background (lms/jobs.py: a ZIP of certificates, a coverage report)
// and reveals the download link when it is ready. The box carries data-status-url and data-status; the parts
// inside are found by ids prefixed with the box's id: <id>-status-label, -done, -total, -bar, -ready, -failed
// and, when present, -reload (the link shown to browsers without JavaScript).
(function () {
  "use strict";
  function watch(box) {
    var url = box.getAttribute("data-status-url");
    function part(name) { return document.getElementById(box.id + "-" + name); }
    function update(data) {
      var finished = data.status === "ready" || data.status === "failed";
      part("status-label").textContent = data.status_label;
      part("done").textContent = data.done;
      part("total").textContent = data.total;
      var bar = part("bar");
      bar.style.width = data.percent + "%";
      bar.parentNode.setAttribute("aria-valuenow", data.percent);
      part("ready").hidden = data.status !== "ready";
      part("failed").hidden = data.status !== "failed";
      if (part("reload")) { part("reload").hidden = finished; }
      return finished;
    }
    function poll() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { if (!update(data)) { setTimeout(poll, 1000); } })
        .catch(function () { setTimeout(poll, 3000); });
    }
    var status = box.getAttribute("data-status");
    if (status !== "ready" && status !== "failed") { poll(); }
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-job-progress]"), watch);
})();
