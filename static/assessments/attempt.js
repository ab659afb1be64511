/* Quiz attempt: autosave each answer as it is given, count down from the server deadline, auto-submit at zero.
   Without JavaScript the form still works: "Save answers", "Next" and "Submit" post every answer on the page.

   Flaky networks: every answer is first written to a queue in the browser (IndexedDB, one queue per attempt, kept
   across reloads), then sent. A sent answer leaves the queue ("Đã lưu"); one that could not be sent (no network,
   503 while the server reconnects, a timeout) stays ("Chưa lưu", and a banner), and the queue is replayed in
   order with backoff and as soon as the browser is online again, also after a reload. Only the latest answer to a
   question is kept in the queue. Each queued answer carries the page's signed token and the milliseconds between
   page load and the answer (a monotonic clock), so an answer given before the deadline still counts when it
   arrives a little after it (the server checks the bounds: assessments/services.py, offline_answered_at).
   The form is never posted while answers wait: they are sent first, or the officer is told and keeps them. */
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) { return; }
  var urlTemplate = form.getAttribute("data-save-url");
  var attemptId = form.getAttribute("data-attempt") || "";
  var offlineToken = form.getAttribute("data-offline-token") || "";
  var loadedAt = window.performance && performance.now ? performance.now() : 0;
  var token = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var banner = document.getElementById("quiz-offline");
  var bannerMessage = banner && banner.querySelector("[data-offline-message]");
  var submitting = false;
  var text = function (name) { return form.getAttribute("data-" + name + "-text") || ""; };
  var fieldsets = {};
  form.querySelectorAll("fieldset[data-response]").forEach(function (fs) { fieldsets[fs.getAttribute("data-response")] = fs; });

  function elapsed() {
    return Math.max(0, Math.round((window.performance && performance.now ? performance.now() : 0) - loadedAt));
  }

  function setStatus(fieldset, message, state) {
    var el = fieldset && fieldset.querySelector("[data-status]");
    if (!el) { return; }
    el.textContent = message;
    el.classList.toggle("field-error", state === "error");
    el.classList.toggle("quiz-saved", state === "saved");
    el.classList.toggle("quiz-unsaved", state === "unsaved");
  }

  function payload(fieldset) {
    var data = new URLSearchParams();
    data.append("kind", fieldset.getAttribute("data-kind"));
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "shown" || el.disabled || el.hasAttribute("data-revision")) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.value === "" && el.tagName === "SELECT") { return; }
      data.append(el.name, el.value);
    });
    return data;
  }

  // A queued answer from before a reload is shown again in its question, so the page matches what will be saved.
  function restore(fieldset, body) {
    var data = new URLSearchParams(body);
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "shown" || el.disabled || el.hasAttribute("data-revision")) { return; }
      if (el.type === "radio" || el.type === "checkbox") { el.checked = data.getAll(el.name).indexOf(el.value) !== -1; }
      else { el.value = data.get(el.name) || ""; }
    });
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

  // --- The queue: IndexedDB when the browser has it, else memory (still replayed in order, lost on reload). ---
  var DB_NAME = "osa-offline", STORE = "answers", WEEK = 7 * 24 * 3600 * 1000;

  // A send whose reply never came (network cut, timeout) may have been saved all the same: the answer that replaces
  // it in the queue, based on the same revision, remembers that (see the stale 409 in handle()).
  function carry(replaced, entry) {
    if (replaced.maybeApplied && replaced.rev === entry.rev) { entry.maybeApplied = true; }
  }

  function memoryQueue() {
    var rows = [], next = 1;
    return {
      put: function (entry) {
        rows = rows.filter(function (r) {
          if (r.response !== entry.response) { return true; }
          carry(r, entry);
          return false;
        });
        entry.seq = next++; rows.push(entry);
        return Promise.resolve(entry.seq);
      },
      mark: function (seq) {
        rows.forEach(function (r) { if (r.seq === seq) { r.maybeApplied = true; } });
        return Promise.resolve();
      },
      all: function () { return Promise.resolve(rows.slice()); },
      remove: function (seq) { rows = rows.filter(function (r) { return r.seq !== seq; }); return Promise.resolve(); },
      bump: function (response, from, to) {
        rows.forEach(function (r) { if (r.response === response && r.rev === from) { r.rev = to; r.maybeApplied = false; } });
        return Promise.resolve();
      },
      clear: function () { rows = []; return Promise.resolve(); }
    };
  }

  function idbQueue(db) {
    function tx(mode, work) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), result;
        t.oncomplete = function () { resolve(result); };
        t.onerror = t.onabort = function () { reject(t.error); };
        work(t.objectStore(STORE), function (value) { result = value; });
      });
    }
    function eachOfAttempt(store, visit, done) {
      var req = store.index("attempt").openCursor(IDBKeyRange.only(attemptId));
      req.onsuccess = function () {
        var cursor = req.result;
        if (!cursor) { if (done) { done(); } return; }
        visit(cursor);
        cursor.continue();
      };
    }
    return {
      put: function (entry) {
        return tx("readwrite", function (store, set) {
          eachOfAttempt(store, function (cursor) {
            if (cursor.value.response === entry.response) { carry(cursor.value, entry); cursor.delete(); }
          }, function () { store.add(entry).onsuccess = function (e) { set(e.target.result); }; });
        });
      },
      mark: function (seq) {
        return tx("readwrite", function (store) {
          store.get(seq).onsuccess = function (e) {
            var v = e.target.result;
            if (v) { v.maybeApplied = true; store.put(v); }
          };
        });
      },
      all: function () {
        return tx("readonly", function (store, set) {
          store.index("attempt").getAll(IDBKeyRange.only(attemptId)).onsuccess = function (e) {
            set(e.target.result.sort(function (a, b) { return a.seq - b.seq; }));
          };
        });
      },
      remove: function (seq) { return tx("readwrite", function (store) { store.delete(seq); }); },
      bump: function (response, from, to) {
        return tx("readwrite", function (store) {
          eachOfAttempt(store, function (cursor) {
            var v = cursor.value;
            if (v.response === response && v.rev === from) { v.rev = to; v.maybeApplied = false; cursor.update(v); }
          });
        });
      },
      clear: function () {
        return tx("readwrite", function (store) { eachOfAttempt(store, function (cursor) { cursor.delete(); }); });
      }
    };
  }

  function openQueue() {
    return new Promise(function (resolve) {
      var fallback = function () { resolve(memoryQueue()); };
      try {
        if (!window.indexedDB) { fallback(); return; }
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          req.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true }).createIndex("attempt", "attempt");
        };
        req.onsuccess = function () {
          var db = req.result;
          // Answers of attempts left behind more than a week ago can no longer count anywhere.
          try {
            var t = db.transaction(STORE, "readwrite");
            t.objectStore(STORE).openCursor().onsuccess = function (e) {
              var cursor = e.target.result;
              if (!cursor) { return; }
              if (!(cursor.value.at > Date.now() - WEEK)) { cursor.delete(); }
              cursor.continue();
            };
          } catch (err) { /* the queue still works without the clean-up */ }
          resolve(idbQueue(db));
        };
        req.onerror = req.onblocked = fallback;
      } catch (err) { fallback(); }
    });
  }

  var queueReady = openQueue();
  var queued = {};  // response id -> true while an answer of it waits in the queue (this page's view of it)
  var debounced = {};

  function enqueue(fieldset) {
    var id = fieldset.getAttribute("data-response");
    window.clearTimeout(debounced[id]);
    delete debounced[id];
    var revision = fieldset.querySelector("[data-revision]");
    var entry = {
      attempt: attemptId, response: id, kind: fieldset.getAttribute("data-kind"), body: payload(fieldset).toString(),
      rev: revision ? revision.value : "0", token: offlineToken, offset: elapsed(), at: Date.now()
    };
    queued[id] = true;
    answeredNow[id] = hasAnswer(fieldset);
    setStatus(fieldset, text("saving"), "saving");
    return queueReady.then(function (q) { return q.put(entry); }).then(pump, pump);
  }

  // --- Sending, strictly in order, one at a time ----------------------------------------------------------
  var TIMEOUT = 15000, BACKOFF = [1000, 2000, 4000, 8000, 15000, 30000];
  var failures = 0, retryTimer = null, running = null, autoSubmitWanted = false;

  // The banner is a live region: its texts are written just after it is shown (a region that appears with its
  // text already in it is not announced by every screen reader), and emptied when it is hidden.
  function showBanner(on, message) {
    if (!banner) { return; }
    var title = banner.querySelector("[data-offline-title]"), kept = banner.querySelector("[data-offline-kept]");
    if (!on) {
      banner.hidden = true;
      [title, kept, bannerMessage].forEach(function (el) { if (el) { el.textContent = ""; } });
      return;
    }
    banner.hidden = false;
    window.setTimeout(function () {
      if (banner.hidden) { return; }
      if (title) { title.textContent = banner.getAttribute("data-title-text"); }
      if (kept) { kept.textContent = banner.getAttribute("data-kept-text"); }
      if (bannerMessage) { bannerMessage.textContent = message || ""; }
    }, 50);
  }

  function send(entry) {
    var body = new URLSearchParams(entry.body);
    body.set("kind", entry.kind);
    body.set("q" + entry.response + "_rev", String(entry.rev));
    if (entry.token) { body.set("offline_token", entry.token); body.set("answered_ms", String(entry.offset)); }
    var encoded = body.toString();
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, TIMEOUT) : null;
    setStatus(fieldsets[entry.response], text("saving"), "saving");
    return fetch(urlTemplate.replace("{id}", entry.response), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: encoded.length < 60000,  // browsers refuse keepalive bodies over 64 KB
      signal: controller ? controller.signal : undefined,
      headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" },
      redirect: "manual"
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        return { status: resp.status, ok: resp.ok, data: data };
      });
    }, function () {
      return { status: 0, ok: false, data: {} };
    }).then(function (result) {
      if (timer) { window.clearTimeout(timer); }
      return result;
    });
  }

  function handle(q, entry, result) {
    var fieldset = fieldsets[entry.response];
    var data = result.data || {};
    if (result.ok && data.saved) {
      return q.remove(entry.seq).then(function () {
        var work = Promise.resolve();
        if (data.revision !== undefined) {
          var revision = fieldset && fieldset.querySelector("[data-revision]");
          if (revision) { revision.value = String(data.revision); }
          // A newer answer to the same question, queued while this one was on its way, was based on the same
          // revision: it follows this one, so it now starts from the revision this one made.
          work = q.bump(entry.response, entry.rev, String(data.revision));
        }
        return work.then(function () { return "sent"; });
      }).then(function (outcome) {
        return q.all().then(function (rows) {
          var still = rows.some(function (r) { return r.response === entry.response; });
          if (!still) {
            delete queued[entry.response];
            setStatus(fieldset, text("saved") + " " + (data.at || ""), "saved");
            if (fieldset) { answeredNow[entry.response] = hasAnswer(fieldset); showProgress(); }
          }
          return outcome;
        });
      });
    }
    if (result.status === 409 && data.stale && entry.maybeApplied &&
        String(data.revision) === String(parseInt(entry.rev, 10) + 1)) {
      // Not another tab: this page's own earlier send of this question reached the server, only its reply was
      // lost. The answer goes on from the revision that send made, and is sent again.
      return q.bump(entry.response, entry.rev, String(data.revision)).then(function () {
        var revision = fieldset && fieldset.querySelector("[data-revision]");
        if (revision) { revision.value = String(data.revision); }
        return "again";
      });
    }
    if (result.status === 409) {
      setStatus(fieldset, data.error || "", "error");
      // Closed: nothing more of this attempt can be saved. Stale: another tab saved a newer answer. Either way
      // the page reloads to show what is saved (with the server's message).
      var drop = data.closed ? q.clear() : q.remove(entry.seq);
      return drop.then(function () {
        if (data.closed) { queued = {}; }
        delete queued[entry.response];
        if (!submitting) { submitting = true; window.setTimeout(function () { window.location.reload(); }, 1500); }
        return "stop";
      });
    }
    if (result.status === 400 || result.status === 404 || result.status === 413) {
      // The answer itself is refused (not an option of the question, not this officer's): retrying cannot help.
      setStatus(fieldset, data.error || text("error"), "error");
      delete queued[entry.response];
      return q.remove(entry.seq).then(function () { return "dropped"; });
    }
    if (result.status === 403 && !submitting) {
      // Most likely a CSRF token that changed (a new login in another tab): the answers stay queued, and the page
      // is loaded again (at most once a minute) to get the current token; the queue is sent from there.
      var key = "osa-offline-reloaded", last = 0;
      try { last = parseInt(window.sessionStorage.getItem(key) || "0", 10) || 0; } catch (err) { last = Date.now(); }
      if (Date.now() - last > 60000) {
        try { window.sessionStorage.setItem(key, String(Date.now())); } catch (err) { /* then no reload */ }
        submitting = true;
        window.location.reload();
        return Promise.resolve("stop");
      }
    }
    // No network, a timeout, 503 while the server reconnects, a login page: kept, and sent again later. Without
    // any reply (status 0) the server may have saved it.
    if (result.status === 0) { return q.mark(entry.seq).then(function () { return "retry"; }); }
    return Promise.resolve("retry");
  }

  function markWaiting(rows) {
    rows.forEach(function (r) {
      queued[r.response] = true;
      setStatus(fieldsets[r.response], text("unsaved"), "unsaved");
    });
  }

  function scheduleRetry() {
    window.clearTimeout(retryTimer);
    var delay = BACKOFF[Math.min(failures, BACKOFF.length - 1)];
    failures += 1;
    retryTimer = window.setTimeout(pump, delay);
  }

  // Send what waits, in order; resolves true when the queue is empty, false when something is still waiting.
  function pump() {
    if (running) { return running; }
    window.clearTimeout(retryTimer);
    running = queueReady.then(function (q) {
      var step = function () {
        return q.all().then(function (rows) {
          if (!rows.length) { return true; }
          return send(rows[0]).then(function (result) { return handle(q, rows[0], result); }).then(function (outcome) {
            if (outcome === "stop") { return false; }
            if (outcome === "retry") {
              return q.all().then(function (left) { markWaiting(left); return false; });
            }
            failures = 0;
            return step();
          });
        });
      };
      return step();
    }).catch(function () { return false; }).then(function (empty) {
      running = null;
      if (empty) {
        failures = 0;
        showBanner(navigator.onLine === false, "");
        if (autoSubmitWanted && navigator.onLine !== false) { doAutoSubmit(); }
      } else if (!submitting) {
        showBanner(true, autoSubmitWanted ? text("timeup-waiting") : "");
        scheduleRetry();
      }
      return empty;
    });
    return running;
  }

  window.addEventListener("online", function () { failures = 0; pump(); });
  window.addEventListener("offline", function () { showBanner(true, autoSubmitWanted ? text("timeup-waiting") : ""); });

  // On load: what a previous page of this attempt left in the queue is shown again and sent.
  queueReady.then(function (q) { return q.all(); }).then(function (rows) {
    rows.forEach(function (r) {
      var fs = fieldsets[r.response];
      if (fs) { restore(fs, r.body); answeredNow[r.response] = hasAnswer(fs); }
    });
    if (rows.length) { markWaiting(rows); showProgress(); pump(); }
  });

  Object.keys(fieldsets).forEach(function (id) {
    var fieldset = fieldsets[id];
    answeredAtLoad[id] = hasAnswer(fieldset);
    fieldset.addEventListener("change", function () {
      if (submitting) { return; }
      enqueue(fieldset);
    });
    fieldset.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA" && event.target.type !== "text") { return; }
      window.clearTimeout(debounced[id]);
      debounced[id] = window.setTimeout(function () { if (!submitting) { enqueue(fieldset); } }, 800);
    });
  });

  function hasWaiting() {
    return Object.keys(queued).length > 0 || Object.keys(debounced).length > 0;
  }

  // Once the form is posted it carries every answer on the page: nothing may be posted while answers wait (the
  // server ignores a form's answers after the deadline, and a post without network is lost with the page), so
  // the queue is sent first. If it cannot be, the officer is told and keeps the answers.
  var confirmed = false, flushing = false;
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter || null;
    if (flushing) { event.preventDefault(); return; }
    if (!hasWaiting() && navigator.onLine !== false) {
      submitting = true;
      Object.keys(debounced).forEach(function (id) { window.clearTimeout(debounced[id]); });
      return;
    }
    event.preventDefault();
    flushing = true;
    Object.keys(debounced).forEach(function (id) { enqueue(fieldsets[id]); });
    var deadline = new Promise(function (resolve) { window.setTimeout(function () { resolve(false); }, TIMEOUT); });
    Promise.race([queueReady.then(function () { return pump(); }), deadline]).then(function (empty) {
      flushing = false;
      if (empty && navigator.onLine !== false) {
        submitting = true;
        confirmed = true;
        if (form.requestSubmit) { form.requestSubmit(submitter || undefined); }
        else { form.submit(); }
      } else {
        confirmed = false;
        showBanner(true, text(empty ? "no-connection" : "flush-failed"));
        if (banner && banner.scrollIntoView) { banner.scrollIntoView({ block: "nearest" }); }
        scheduleRetry();
      }
    });
  });

  var submitButton = document.getElementById("quiz-submit");
  if (submitButton) {
    submitButton.addEventListener("click", function (event) {
      if (submitting || confirmed) { return; }
      if (!window.confirm(submitButton.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  }

  function doAutoSubmit() {
    if (submitting) { return; }
    submitting = true;
    autoSubmitWanted = false;
    var action = document.createElement("input");
    action.type = "hidden"; action.name = "action"; action.value = "submit";
    form.appendChild(action);
    var auto = document.createElement("input");
    auto.type = "hidden"; auto.name = "auto"; auto.value = "1";
    form.appendChild(auto);
    form.submit();
  }

  // At zero the attempt is submitted — after what waits in the queue has been sent (given before the deadline, it
  // still counts within the offline grace), and only with a connection.
  function autoSubmit() {
    if (submitting) { return; }
    autoSubmitWanted = true;
    Object.keys(debounced).forEach(function (id) { enqueue(fieldsets[id]); });
    pump();
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
        clock.textContent = text("timeup");
        autoSubmit();
        return;
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
