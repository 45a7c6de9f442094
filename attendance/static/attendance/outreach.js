/* Outreach contacts that keep working offline: each contact is queued in localStorage with an
 * id chosen here, then sent to the API; what could not be sent waits across reloads and goes out
 * when the connection returns. The server ignores ids it already holds.
 */
(function () {
  "use strict";
  var form = document.getElementById("outreach-form");
  if (!form || !window.fetch || !window.localStorage) { return; }
  var key = "outreach-queue";
  var statusBox = document.getElementById("outreach-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var sending = false;

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
    var waiting = loadQueue().length;
    if (waiting) { show("pending", form.dataset.textWaiting.replace("%s", waiting)); }
    else { show("saved", form.dataset.textSaved); }
  }

  function flush() {
    var queue = loadQueue();
    if (sending || !queue.length) { showQueue(); return; }
    sending = true;
    show("sending", form.dataset.textSending);
    var item = queue[0];
    fetch(form.dataset.api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(item)
    }).then(function (response) {
      sending = false;
      if (response.ok) {
        saveQueue(loadQueue().filter(function (other) { return other.client_id !== item.client_id; }));
        flush();
      } else if (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 403) {
        // Refused for good (bad input): say it, and do not send it again and again.
        return response.json().then(function (body) {
          saveQueue(loadQueue().filter(function (other) { return other.client_id !== item.client_id; }));
          show("error", form.dataset.textRefused + " " + (body.detail || response.status));
        });
      } else {
        showQueue();
      }
    }).catch(function () {
      sending = false;
      showQueue();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var counts = [];
    var total = 0;
    form.querySelectorAll("input[data-band]").forEach(function (input) {
      var count = parseInt(input.value, 10) || 0;
      if (count > 0) { counts.push({ age_band: input.dataset.band, sex: input.dataset.sex, count: count }); }
      total += count;
    });
    if (!total) { show("error", form.dataset.textEmpty); return; }
    var queue = loadQueue();
    queue.push({
      client_id: newId(), day: form.elements.day.value, place: form.elements.place.value,
      neighbourhood: form.elements.neighbourhood.value, in_qpv: form.elements.in_qpv.checked,
      theme: form.elements.theme.value, referral: form.elements.referral.checked, counts: counts
    });
    saveQueue(queue);
    form.querySelectorAll("input[data-band]").forEach(function (input) { input.value = "0"; });
    form.elements.referral.checked = false;
    flush();
  });
  window.addEventListener("online", flush);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.serviceWorker, { scope: form.dataset.scope });
  }
  flush();
})();
