/* Quiz attempt: autosave each answer as it is given, count down from the server deadline, auto-submit at zero.
   Without JavaScript the form still works: "Save answers", "Next" and "Submit" post every answer on the page. */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) { return; }
  var urlTemplate = form.getAttribute("data-save-url");
  var token = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var submitting = false;

  function setStatus(fieldset, text, isError) {
    var el = fieldset.querySelector("[data-status]");
    if (!el) { return; }
    el.textContent = text;
    el.classList.toggle("field-error", !!isError);
    el.classList.toggle("quiz-saved", !isError && text === form.getAttribute("data-saved-text"));
  }

  function payload(fieldset) {
    var data = new URLSearchParams();
    data.append("kind", fieldset.getAttribute("data-kind"));
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "shown" || el.disabled) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.value === "" && el.tagName === "SELECT") { return; }
      data.append(el.name, el.value);
    });
    return data;
  }

  // "n of m answered": the server counts at page load (every page of the attempt); each saved answer on this page
  // moves it by what changed since then (a question answered, or emptied again).
  var progress = document.querySelector("[data-answered]");
  var answeredAtLoad = {}, answeredNow = {};

  function hasAnswer(fieldset) {
    return Array.prototype.some.call(fieldset.querySelectorAll("input, select, textarea"), function (el) {
      if (!el.name || el.disabled || el.type === "hidden") { return false; }
      if (el.type === "radio" || el.type === "checkbox") { return el.checked; }
      return el.value.trim() !== "";
    });
  }

  function showProgress() {
    if (!progress) { return; }
    var total = parseInt(progress.getAttribute("data-total"), 10) || 0;
    var answered = parseInt(progress.getAttribute("data-answered"), 10) || 0;
    Object.keys(answeredNow).forEach(function (id) {
      answered += (answeredNow[id] ? 1 : 0) - (answeredAtLoad[id] ? 1 : 0);
    });
    answered = Math.max(0, Math.min(total, answered));
    var percent = total ? Math.round(answered * 100 / total) : 0;
    progress.querySelector("[data-answered-text]").textContent = progress.getAttribute("data-template")
      .replace("{a}", String(answered)).replace("{t}", String(total));
    var meter = progress.querySelector("[role=progressbar]");
    if (meter) {
      meter.setAttribute("aria-valuenow", String(percent));
      var fill = meter.querySelector(".progress-bar");
      if (fill) { fill.style.width = percent + "%"; }
    }
  }

  // One save at a time per question, each carrying the revision the last one returned: a second change while
  // a save is on its way is sent after it (never with an outdated revision). A 409 means the attempt is closed
  // or another tab saved a newer answer: the page reloads to show what is saved (with the server's message).
  var inflight = {}, pending = {};

  function save(fieldset) {
    var id = fieldset.getAttribute("data-response");
    if (inflight[id]) { pending[id] = true; return inflight[id]; }
    setStatus(fieldset, form.getAttribute("data-saving-text"), false);
    var revision = fieldset.querySelector("[data-revision]");
    inflight[id] = fetch(urlTemplate.replace("{id}", id), {
      method: "POST",
      body: payload(fieldset),
      credentials: "same-origin",
      keepalive: true,
      headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" }
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        if (resp.ok && body.saved) {
          if (revision && body.revision !== undefined) { revision.value = String(body.revision); }
          setStatus(fieldset, form.getAttribute("data-saved-text") + " " + (body.at || ""), false);
          answeredNow[id] = hasAnswer(fieldset);
          showProgress();
        } else if (resp.status === 409) {
          setStatus(fieldset, body.error || "", true);
          pending[id] = false;
          if (!submitting) { submitting = true; window.setTimeout(function () { window.location.reload(); }, 1500); }
        } else {
          setStatus(fieldset, body.error || form.getAttribute("data-error-text"), true);
        }
      });
    }).catch(function () {
      setStatus(fieldset, form.getAttribute("data-error-text"), true);
    }).then(function () {
      inflight[id] = null;
      if (pending[id] && !submitting) { pending[id] = false; save(fieldset); }
    });
    return inflight[id];
  }

  var timers = {};
  form.querySelectorAll("fieldset[data-response]").forEach(function (fieldset) {
    answeredAtLoad[fieldset.getAttribute("data-response")] = hasAnswer(fieldset);
    fieldset.addEventListener("change", function () {
      if (submitting) { return; }
      window.clearTimeout(timers[fieldset.getAttribute("data-response")]);
      save(fieldset);
    });
    fieldset.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA" && event.target.type !== "text") { return; }
      var id = fieldset.getAttribute("data-response");
      window.clearTimeout(timers[id]);
      timers[id] = window.setTimeout(function () { if (!submitting) { save(fieldset); } }, 800);
    });
  });

  // Once the form is posted it carries every answer on the page: a pending debounced autosave must not fire
  // afterwards (it would reach a submitted attempt, get 409 and reload the page over the result).
  form.addEventListener("submit", function () {
    submitting = true;
    Object.keys(timers).forEach(function (id) { window.clearTimeout(timers[id]); });
  });

  var submitButton = document.getElementById("quiz-submit");
  if (submitButton) {
    submitButton.addEventListener("click", function (event) {
      if (submitting) { return; }
      if (!window.confirm(submitButton.getAttribute("data-confirm"))) { event.preventDefault(); return; }
      // The form carries every shown answer: a pending autosave is not needed, and its "closed" reply must not
      // reload the page over the submission.
      submitting = true;
      Object.keys(timers).forEach(function (id) { window.clearTimeout(timers[id]); });
    });
  }

  function autoSubmit() {
    if (submitting) { return; }
    submitting = true;
    var action = document.createElement("input");
    action.type = "hidden"; action.name = "action"; action.value = "submit";
    form.appendChild(action);
    var auto = document.createElement("input");
    auto.type = "hidden"; auto.name = "auto"; auto.value = "1";
    form.appendChild(auto);
    form.submit();
  }

  var timerBox = document.getElementById("quiz-timer");
  if (timerBox) {
    var clock = timerBox.querySelector("[data-clock]");
    var end = Date.now() + parseInt(timerBox.getAttribute("data-remaining"), 10) * 1000;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      clock.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
      timerBox.classList.toggle("quiz-timer--low", left <= 300);
      if (left === 60 || left === 300) { timerBox.setAttribute("aria-live", "assertive"); }
      if (left <= 0) {
        clock.textContent = form.getAttribute("data-timeup-text");
        autoSubmit();
        return;
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
