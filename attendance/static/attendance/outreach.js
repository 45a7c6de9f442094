/* Outreach contacts that keep working offline: each contact is queued in localStorage with an
 * id chosen here, then sent to the API; what could not be sent waits across reloads and goes out
 * when the connection returns. The server ignores ids it already holds.
 *
 * Nothing typed is thrown away: what the server would refuse for sure (no place, a day to come)
 * is refused here, before queueing, beside its field; a contact the server refuses all the same
 * is put back into the form with the server's message, to correct and record again.
 */
(function () {
  "use strict";
  var form = document.getElementById("outreach-form");
  if (!form || !window.fetch || !window.localStorage) { return; }
  var key = "outreach-queue";
  var refusedKey = "outreach-refused";
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
    if (loadRefused().length) { return; }  // the refusal stays in view until corrected
    var waiting = loadQueue().length;
    if (waiting) { show("pending", form.dataset.textWaiting.replace("%s", waiting)); }
    else { show("saved", form.dataset.textSaved); }
  }

  function loadRefused() {
    try { return JSON.parse(localStorage.getItem(refusedKey)) || []; } catch (error) { return []; }
  }
  function saveRefused(list) { localStorage.setItem(refusedKey, JSON.stringify(list)); }

  function fieldError(name, message) {
    var input = form.elements[name];
    var box = document.getElementById("outreach-" + name + "-error");
    if (!box) {
      box = document.createElement("span");
      box.id = "outreach-" + name + "-error";
      box.className = "errorlist";
      input.parentNode.appendChild(box);
    }
    box.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", name === "place" ? box.id + " outreach-place-help" : box.id);
  }
  function clearErrors() {
    ["day", "place"].forEach(function (name) {
      var box = document.getElementById("outreach-" + name + "-error");
      if (box) { box.parentNode.removeChild(box); }
      form.elements[name].removeAttribute("aria-invalid");
    });
    form.elements.place.setAttribute("aria-describedby", "outreach-place-help");
    form.elements.day.removeAttribute("aria-describedby");
  }

  // The first contact the server refused, back in the form with what was typed.
  function restoreRefused() {
    var refused = loadRefused();
    if (!refused.length) { return; }
    var item = refused[0].item;
    form.dataset.restoring = item.client_id;
    form.elements.day.value = item.day;
    form.elements.place.value = item.place;
    form.elements.neighbourhood.value = item.neighbourhood;
    form.elements.in_qpv.checked = item.in_qpv;
    form.elements.theme.value = item.theme;
    form.elements.referral.checked = item.referral;
    form.querySelectorAll("input[data-band]").forEach(function (input) {
      var cell = item.counts.filter(function (count) {
        return count.age_band === input.dataset.band && count.sex === input.dataset.sex;
      })[0];
      input.value = cell ? String(cell.count) : "0";
    });
    show("error", form.dataset.textRefused + " " + refused[0].message);
    (refused[0].errors || []).forEach(function (error) {
      if (error.field === "day" || error.field === "place") { fieldError(error.field, error.message); }
    });
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
        // Refused for good (bad input): not sent again and again, but kept to correct.
        return response.json().catch(function () { return {}; }).then(function (body) {
          saveQueue(loadQueue().filter(function (other) { return other.client_id !== item.client_id; }));
          var refused = loadRefused();
          refused.push({
            item: item, message: body.detail || String(response.status), errors: body.errors || []
          });
          saveRefused(refused);
          restoreRefused();
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
    clearErrors();
    var place = form.elements.place.value.trim();
    var day = form.elements.day.value;
    var latest = form.elements.day.getAttribute("max");
    if (!day || (latest && day > latest)) {
      fieldError("day", form.dataset.textDay);
      form.elements.day.focus();
      return;
    }
    if (!place) {
      fieldError("place", form.dataset.textPlace);
      form.elements.place.focus();
      return;
    }
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
      client_id: newId(), day: day, place: place,
      neighbourhood: form.elements.neighbourhood.value, in_qpv: form.elements.in_qpv.checked,
      theme: form.elements.theme.value, referral: form.elements.referral.checked, counts: counts
    });
    saveQueue(queue);
    if (form.dataset.restoring) {
      var corrected = form.dataset.restoring;
      saveRefused(loadRefused().filter(function (other) { return other.item.client_id !== corrected; }));
      delete form.dataset.restoring;
    }
    form.querySelectorAll("input[data-band]").forEach(function (input) { input.value = "0"; });
    form.elements.referral.checked = false;
    if (loadRefused().length) { restoreRefused(); }
    flush();
  });
  restoreRefused();
  window.addEventListener("online", flush);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.serviceWorker, { scope: form.dataset.scope });
  }
  flush();
})();
