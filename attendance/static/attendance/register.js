/* Register that keeps working offline.
 *
 * Each tap is queued in localStorage with an id and the time on this phone, then sent to the
 * API; marks that could not be sent stay queued across reloads and go out when the connection
 * returns. The server ignores ids it already holds, so sending twice is harmless.
 */
(function () {
  "use strict";
  var form = document.getElementById("register-form");
  if (!form || !window.fetch || !window.localStorage) { return; }

  var key = "attendance-queue-" + form.dataset.session;
  var stateKey = "attendance-state-" + form.dataset.session;
  var statusBox = document.getElementById("sync-status");
  var saveButton = document.getElementById("save-register");
  var allPresent = document.getElementById("all-present");
  var reasonInput = document.getElementById("reason");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var sending = false;
  var text = {
    saved: form.dataset.textSaved || "All marks are saved.",
    waiting: form.dataset.textWaiting || "%s mark(s) waiting: they will be sent when the connection returns.",
    sending: form.dataset.textSending || "Sending…"
  };

  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(key)) || []; } catch (error) { return []; }
  }
  function saveQueue(queue) { localStorage.setItem(key, JSON.stringify(queue)); }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64; bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function show(state, message) {
    statusBox.className = "sync-status " + state;
    statusBox.textContent = message;
  }
  function showQueue() {
    var count = loadQueue().length;
    if (count) { show("pending", text.waiting.replace("%s", count)); } else { show("saved", text.saved); }
  }

  function rowOf(participantId) {
    return form.querySelector('.register-row[data-participant="' + participantId + '"]');
  }
  function currentStatus(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  }
  function noteOf(row) {
    var note = row.querySelector("input[type=text]");
    return note ? note.value : "";
  }

  function setFigure(name, value) {
    var node = document.querySelector('[data-figure="' + name + '"]');
    if (node) { node.textContent = value; }
  }
  function showFigures() {
    var rows = form.querySelectorAll(".register-row");
    var marked = 0, expected = 0, attended = 0;
    rows.forEach(function (row) {
      var status = currentStatus(row);
      if (status) { marked += 1; }
      if (row.dataset.expected) {
        expected += 1;
        if (status === "present" || status === "late") { attended += 1; }
      }
    });
    setFigure("marked", marked);
    setFigure("expected", expected);
    setFigure("rate", expected ? Math.round(100 * attended / expected) + " %" : "–");
  }

  function enqueue(row) {
    var participantId = Number(row.dataset.participant);
    var status = currentStatus(row);
    if (!status) { return; }
    // A newer mark of the same person replaces one not sent yet.
    var queue = loadQueue().filter(function (mark) { return mark.participant_id !== participantId; });
    queue.push({
      client_id: newId(), participant_id: participantId, status: status, note: noteOf(row),
      client_marked_at: new Date().toISOString(), reason: reasonInput ? reasonInput.value : ""
    });
    saveQueue(queue);
  }

  function setRow(mark) {
    var row = rowOf(mark.participant_id);
    if (!row || !mark.status) { return; }
    var radio = row.querySelector('input[type=radio][value="' + mark.status + '"]');
    if (radio) { radio.checked = true; }
    var note = row.querySelector("input[type=text]");
    if (note) { note.value = mark.note || ""; }
  }

  function remember(register) {
    localStorage.setItem(stateKey, JSON.stringify({ at: new Date().toISOString(), rows: register.rows }));
  }

  function applyState() {
    // A page kept by the service worker may be older than what the server last answered.
    var state;
    try { state = JSON.parse(localStorage.getItem(stateKey)); } catch (error) { state = null; }
    if (!state || Date.parse(state.at) <= Number(form.dataset.renderedAt) * 1000) { return; }
    state.rows.forEach(setRow);
  }

  function applyQueue() {
    loadQueue().forEach(setRow);
  }

  function forget(sentIds) {
    saveQueue(loadQueue().filter(function (mark) { return sentIds.indexOf(mark.client_id) === -1; }));
  }

  function flush() {
    var batch = loadQueue();
    if (sending || !batch.length) { showQueue(); return; }
    sending = true;
    show("pending", text.sending);
    fetch(form.dataset.api, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ marks: batch })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          forget(batch.map(function (mark) { return mark.client_id; }));
          if (body.state) { remember(body.state); }
          return true;
        }
        var item = /^marks\.(\d+)\./.exec(((body.errors || [])[0] || {}).field || "");
        if (response.status === 400 && item) {
          // That mark can never be accepted: drop it, keep the others.
          forget([batch[Number(item[1])].client_id]);
          show("error", body.detail);
          return true;
        }
        show("error", body.detail || response.statusText);
        return false;
      });
    }).catch(function () {
      showQueue();
      return false;
    }).then(function (retry) {
      sending = false;
      if (retry && loadQueue().length) { flush(); } else if (retry) { showQueue(); }
    });
  }

  form.addEventListener("change", function (event) {
    var row = event.target.closest(".register-row");
    if (!row) { return; }
    enqueue(row);
    showFigures();
    flush();
  });

  if (allPresent) {
    allPresent.addEventListener("click", function (event) {
      event.preventDefault();
      form.querySelectorAll(".register-row").forEach(function (row) {
        if (row.disabled || currentStatus(row)) { return; }
        row.querySelector('input[type=radio][value="present"]').checked = true;
        enqueue(row);
      });
      showFigures();
      flush();
    });
  }
  if (saveButton) { saveButton.hidden = true; }
  form.addEventListener("submit", function (event) { event.preventDefault(); flush(); });

  window.addEventListener("online", flush);
  window.setInterval(function () { if (loadQueue().length) { flush(); } }, 15000);

  applyState();
  applyQueue();
  showFigures();
  flush();

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.serviceWorker, { scope: form.dataset.scope })
      .then(function () {
        if (navigator.serviceWorker.controller || !window.caches) { return; }
        // First visit: the worker did not see this page load, so keep a copy for offline use.
        var urls = [location.href];
        document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (node) {
          urls.push(node.href || node.src);
        });
        return caches.open("attendance-v1").then(function (cache) {
          return Promise.all(urls.map(function (url) { return cache.add(url).catch(function () {}); }));
        });
      })
      .catch(function () { /* Without a worker the register still works online. */ });
  }
}());
