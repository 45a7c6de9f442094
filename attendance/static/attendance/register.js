/* Register that keeps working offline.
 *
 * Each tap is queued in localStorage with an id and the time on this phone, then sent to the
 * API; marks that could not be sent stay queued across reloads and go out when the connection
 * returns. The server ignores ids it already holds, so sending twice is harmless.
 */
(function () {
  "use strict";
  if (!window.fetch || !window.localStorage) { return; }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64; bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  function loadList(name) {
    try { return JSON.parse(localStorage.getItem(name)) || []; } catch (error) { return []; }
  }
  function saveList(name, list) { localStorage.setItem(name, JSON.stringify(list)); }

  function todayText() {
    var today = new Date();
    return today.getFullYear() + "-" + ("0" + (today.getMonth() + 1)).slice(-2) + "-" + ("0" + today.getDate()).slice(-2);
  }
  /* What the server would refuse in a newcomer, said before it is queued: a date picker on a
   * phone easily gives the year 201 for 2019, and the server takes 120 years back to today. */
  function newcomerProblem(item, texts) {
    if (!(item.first_name && item.last_name && item.birth_date)) { return texts.textRequired; }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(item.birth_date) || (texts.earliest && item.birth_date < texts.earliest)) { return texts.textRange; }
    if (item.birth_date > todayText()) { return texts.textFuture; }
    return "";
  }

  /* The walk-in page: a newcomer is kept on the phone and sent with the register's next batch,
   * so that nothing typed is lost when the connection drops at the moment of sending. */
  var newcomer = document.getElementById("newcomer-form");
  if (newcomer) {
    var walkInKey = "attendance-walkins-" + newcomer.dataset.session;
    var errorBox = document.getElementById("newcomer-error");
    var search = document.getElementById("walk-in-search");
    if (search) {
      search.addEventListener("submit", function (event) {
        if (navigator.onLine) { return; }
        event.preventDefault();
        document.getElementById("walk-in-offline").hidden = false;
      });
    }
    newcomer.addEventListener("submit", function (event) {
      var value = function (name) {
        var input = newcomer.elements[name];
        return input ? input.value.trim() : "";
      };
      event.preventDefault();
      var item = {
        client_id: newId(), first_name: value("first_name"), last_name: value("last_name"),
        birth_date: value("birth_date"), neighbourhood: value("neighbourhood"),
        in_qpv: !!(newcomer.elements.in_qpv && newcomer.elements.in_qpv.checked),
        registered_at: new Date().toISOString()
      };
      var problem = newcomerProblem(item, newcomer.dataset);
      if (problem) {
        errorBox.textContent = problem;
        errorBox.hidden = false;
        errorBox.focus();
        return;
      }
      var list = loadList(walkInKey);
      list.push(item);
      saveList(walkInKey, list);
      window.location.href = newcomer.dataset.register;
    });
    return;
  }

  var form = document.getElementById("register-form");
  if (!form) { return; }

  var key = "attendance-queue-" + form.dataset.session;
  // Check-outs and openings of safety details wait beside the marks and go in the same batch.
  var checkOutKey = "attendance-checkouts-" + form.dataset.session;
  var openingKey = "attendance-openings-" + form.dataset.session;
  var stateKey = "attendance-state-" + form.dataset.session;
  // Newcomers typed on the walk-in page, maybe offline.
  var walkInKey = "attendance-walkins-" + form.dataset.session;
  // Items the server refused, set aside until they are corrected or deleted: the others go on.
  var heldKey = "attendance-held-" + form.dataset.session;
  var heldBox = document.getElementById("held-items");
  var heldList = document.getElementById("held-list");
  var pendingWalkIns = document.getElementById("pending-walk-ins");
  var statusBox = document.getElementById("sync-status");
  var saveButton = document.getElementById("save-register");
  var allPresent = document.getElementById("all-present");
  var reasonInput = document.getElementById("reason");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var sending = false;
  var text = {
    saved: form.dataset.textSaved || "All marks are saved.",
    waiting: form.dataset.textWaiting || "%s mark(s) waiting: they will be sent when the connection returns.",
    sending: form.dataset.textSending || "Sending…",
    left: form.dataset.textLeft || "Left at %t with %n",
    leftAlone: form.dataset.textLeftAlone || "Left alone at %t",
    notSent: form.dataset.textNotSent || "(not sent yet)",
    choose: form.dataset.textChoose || "Choose who collected the child.",
    otherNeeded: form.dataset.textOtherNeeded || "Give the person's name and a note.",
    walkInWaiting: form.dataset.textWalkInWaiting || "walk-in, present (not sent yet)",
    held: form.dataset.textHeld || "Not sent, to correct below: %s. Everything else is sent.",
    heldItem: form.dataset.textHeldItem || "%n: check %f.",
    heldReason: form.dataset.textHeldReason || "%n: %m",
    heldMark: form.dataset.textHeldMark || "Tap a status on this person's line to send the mark again.",
    fix: form.dataset.textFix || "Correct",
    resend: form.dataset.textResend || "Send again",
    remove: form.dataset.textRemove || "Delete",
    firstName: form.dataset.textFirstName || "First name",
    lastName: form.dataset.textLastName || "Last name",
    birthDate: form.dataset.textBirthDate || "Birth date"
  };
  // Each field in plain words, from the box's data-field-* attributes (birth_date: fieldBirthDate).
  function fieldLabel(name) {
    var labels = heldBox ? heldBox.dataset : {};
    var key = "field" + name.replace(/(?:^|_)(\w)/g, function (match, letter) { return letter.toUpperCase(); });
    return labels[key] || labels.fieldOther || name;
  }

  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(key)) || []; } catch (error) { return []; }
  }
  function saveQueue(queue) { localStorage.setItem(key, JSON.stringify(queue)); }
  function waitingCount() {
    return loadQueue().length + loadList(checkOutKey).length + loadList(walkInKey).length;
  }

  function show(state, message) {
    statusBox.className = "sync-status " + state;
    statusBox.textContent = message;
  }
  function showQueue() {
    var count = waitingCount();
    var held = loadList(heldKey).length;
    if (count) { show("pending", text.waiting.replace("%s", count)); } else if (held) { show("error", text.held.replace("%s", held)); } else { show("saved", text.saved); }
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
    // The server refuses control characters (core/text.py), which a paste can bring in.
    return note ? note.value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]+/g, " ") : "";
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
    dropHeld(function (entry) { return entry.kind === "marks" && entry.item.participant_id === participantId; });
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
    applyCheckOuts(state.rows);
  }

  function showPendingWalkIns() {
    if (!pendingWalkIns) { return; }
    var list = loadList(walkInKey);
    pendingWalkIns.textContent = "";
    list.forEach(function (item) {
      var line = document.createElement("li");
      line.textContent = item.last_name.toUpperCase() + " " + item.first_name + " – " + text.walkInWaiting;
      pendingWalkIns.appendChild(line);
    });
    pendingWalkIns.hidden = !list.length;
  }

  function applyQueue() {
    loadQueue().forEach(setRow);
    loadList(checkOutKey).forEach(function (item) { showCheckOut(item, true); });
  }
  function applyCheckOuts(rows) {
    rows.forEach(function (row) {
      if (row.check_out) { showCheckOut({ participant_id: row.participant_id, collected_by: row.check_out.collected_by, collector_name: row.check_out.collector_name, checked_out_at: row.check_out.checked_out_at }, false); }
    });
  }

  function forget(sentIds) {
    function keep(item) { return sentIds.indexOf(item.client_id) === -1; }
    saveQueue(loadQueue().filter(keep));
    saveList(checkOutKey, loadList(checkOutKey).filter(keep));
    saveList(openingKey, loadList(openingKey).filter(keep));
    saveList(walkInKey, loadList(walkInKey).filter(keep));
    showPendingWalkIns();
  }

  function hhmm(iso) {
    var date = new Date(iso);
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }
  function showCheckOut(checkOut, pending) {
    var box = document.getElementById("check-out-status-" + checkOut.participant_id);
    if (!box) { return; }
    var at = hhmm(checkOut.checked_out_at);
    var message = checkOut.collected_by === "alone" ? text.leftAlone.replace("%t", at)
      : text.left.replace("%t", at).replace("%n", checkOut.collector_name);
    box.textContent = pending ? message + " " + text.notSent : message;
  }
  function checkOutError(participantId, message) {
    var box = document.getElementById("check-out-error-" + participantId);
    if (box) { box.textContent = message || ""; }
  }

  function recordCheckOut(participantId) {
    var chosen = document.querySelector('input[name="collector-' + participantId + '"]:checked');
    checkOutError(participantId, "");
    if (!chosen) { checkOutError(participantId, text.choose); return; }
    var item = {
      client_id: newId(), participant_id: Number(participantId), collected_by: chosen.value,
      collector_name: "", note: "", checked_out_at: new Date().toISOString()
    };
    if (chosen.value === "authorised") { item.collector_name = chosen.dataset.name; }
    if (chosen.value === "other") {
      item.collector_name = document.getElementById("other-name-" + participantId).value.trim();
      item.note = document.getElementById("other-note-" + participantId).value.trim();
      if (!item.collector_name || !item.note) { checkOutError(participantId, text.otherNeeded); return; }
    }
    var queue = loadList(checkOutKey).filter(function (other) { return other.participant_id !== item.participant_id; });
    queue.push(item);
    saveList(checkOutKey, queue);
    dropHeld(function (entry) { return entry.kind === "check_outs" && entry.item.participant_id === item.participant_id; });
    showCheckOut(item, true);
    var details = chosen.closest("details");
    if (details) { details.open = false; }
    flush();
  }

  /* --- Items set aside ------------------------------------------------------------------ */

  function personName(entry) {
    if (entry.kind === "walk_ins") { return entry.item.last_name.toUpperCase() + " " + entry.item.first_name; }
    var row = rowOf(entry.item.participant_id);
    return row && row.dataset.name ? row.dataset.name : "";
  }
  function heldMessage(entry) {
    // The server's own words when it gave a reason (in French, naming a newcomer already);
    // otherwise the field in plain words, never its technical path.
    if (entry.message && entry.kind === "walk_ins") { return entry.message; }
    var name = personName(entry);
    if (entry.message) { return name && entry.message.indexOf(name) === -1 ? text.heldReason.replace("%n", name).replace("%m", entry.message) : entry.message; }
    return text.heldItem.replace("%n", name).replace("%f", fieldLabel(entry.field));
  }
  function dropHeld(predicate) {
    var held = loadList(heldKey);
    var kept = held.filter(function (entry) { return !predicate(entry); });
    if (kept.length !== held.length) { saveList(heldKey, kept); showHeld(); }
  }
  function setAside(refusals, sent, status) {
    var held = loadList(heldKey);
    var ids = [];
    refusals.forEach(function (refusal) {
      var item = sent[refusal.kind][refusal.index];
      if (!item || ids.indexOf(item.client_id) !== -1) { return; }
      ids.push(item.client_id);
      // An opening of safety details is only an audit record: nothing to correct.
      if (refusal.kind === "openings") { return; }
      var entry = { kind: refusal.kind, item: item, field: refusal.field, message: status === 422 ? "" : refusal.message };
      held = held.filter(function (other) { return other.item.client_id !== item.client_id; });
      held.push(entry);
      if (refusal.kind === "check_outs") { checkOutError(item.participant_id, heldMessage(entry)); }
    });
    forget(ids);
    saveList(heldKey, held);
    showHeld();
  }
  function refusedItems(body) {
    var found = [];
    (body.errors || []).forEach(function (error) {
      var match = /^(walk_ins|marks|check_outs|openings)\.(\d+)(?:\.([\w.]+))?/.exec(error.field || "");
      if (match) { found.push({ kind: match[1], index: Number(match[2]), field: (match[3] || "").split(".")[0], message: error.message || body.detail || "" }); }
    });
    return found;
  }

  function button(label, className, onClick) {
    var node = document.createElement("button");
    node.type = "button";
    node.className = "button button-secondary button-small " + (className || "");
    node.textContent = label;
    node.addEventListener("click", onClick);
    return node;
  }
  function field(label, name, value, attributes) {
    var wrapper = document.createElement("div");
    wrapper.className = "form-row";
    var input = document.createElement("input");
    input.name = name;
    input.id = name;
    input.value = value || "";
    Object.keys(attributes || {}).forEach(function (key) { input.setAttribute(key, attributes[key]); });
    var caption = document.createElement("label");
    caption.htmlFor = input.id;
    caption.textContent = label;
    wrapper.appendChild(caption);
    wrapper.appendChild(input);
    return wrapper;
  }
  function fixForm(entry, line) {
    var id = entry.item.client_id;
    var editor = document.createElement("div");
    editor.className = "held-fix";
    editor.appendChild(field(text.firstName, "held-first-" + id, entry.item.first_name, { type: "text", maxlength: "100" }));
    editor.appendChild(field(text.lastName, "held-last-" + id, entry.item.last_name, { type: "text", maxlength: "100" }));
    editor.appendChild(field(text.birthDate, "held-birth-" + id, entry.item.birth_date, { type: "date", min: form.dataset.earliest || "", max: todayText() }));
    var problemBox = document.createElement("p");
    problemBox.className = "check-out-error";
    problemBox.setAttribute("role", "alert");
    editor.appendChild(problemBox);
    editor.appendChild(button(text.resend, "held-resend", function () {
      var item = Object.assign({}, entry.item, {
        first_name: document.getElementById("held-first-" + id).value.trim(),
        last_name: document.getElementById("held-last-" + id).value.trim(),
        birth_date: document.getElementById("held-birth-" + id).value
      });
      var problem = newcomerProblem(item, { textRequired: form.dataset.textRequired, textRange: form.dataset.textRange, textFuture: form.dataset.textFuture, earliest: form.dataset.earliest });
      if (problem) { problemBox.textContent = problem; return; }
      // The same client id: if the first send did reach the server, it is not added twice.
      dropHeld(function (other) { return other.item.client_id === id; });
      var list = loadList(walkInKey);
      list.push(item);
      saveList(walkInKey, list);
      showPendingWalkIns();
      flush();
    }));
    line.appendChild(editor);
    var first = editor.querySelector("input");
    if (first) { first.focus(); }
  }
  function showHeld() {
    if (!heldBox) { return; }
    var held = loadList(heldKey);
    heldList.textContent = "";
    held.forEach(function (entry) {
      var line = document.createElement("li");
      line.dataset.clientId = entry.item.client_id;
      var message = document.createElement("p");
      message.className = "held-message";
      message.textContent = heldMessage(entry);
      line.appendChild(message);
      if (entry.kind === "marks") {
        var hint = document.createElement("p");
        hint.className = "meta";
        hint.textContent = text.heldMark;
        line.appendChild(hint);
      }
      var actions = document.createElement("p");
      actions.className = "register-actions";
      if (entry.kind === "walk_ins") {
        actions.appendChild(button(text.fix, "held-fix-button", function (event) {
          event.target.disabled = true;
          fixForm(entry, line);
        }));
      }
      actions.appendChild(button(text.remove, "held-delete", function () {
        dropHeld(function (other) { return other.item.client_id === entry.item.client_id; });
        showQueue();
      }));
      line.appendChild(actions);
      heldList.appendChild(line);
    });
    heldBox.hidden = !held.length;
  }

  function flush() {
    var batch = loadQueue();
    var checkOuts = loadList(checkOutKey);
    var openings = loadList(openingKey);
    var walkIns = loadList(walkInKey);
    if (sending || !(batch.length || checkOuts.length || openings.length || walkIns.length)) { showQueue(); return; }
    sending = true;
    show("pending", text.sending);
    fetch(form.dataset.api, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ walk_ins: walkIns, marks: batch, check_outs: checkOuts, openings: openings })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        var sent = { walk_ins: walkIns, marks: batch, check_outs: checkOuts, openings: openings };
        if (response.ok) {
          forget([].concat(walkIns, batch, checkOuts, openings).map(function (item) { return item.client_id; }));
          if (body.state) { remember(body.state); applyCheckOuts(body.state.rows); }
          // Newcomers have no row on this page yet: the server draws them.
          if (walkIns.length) { window.location.reload(); }
          return true;
        }
        // The batch is all or nothing, and the refusal names the items at fault (a rule: 400 or
        // 409; a malformed value: 422). Those cannot go as they are: set them aside for
        // correction and send the others at once.
        var refused = refusedItems(body);
        if (response.status >= 400 && response.status < 500 && refused.length) {
          setAside(refused, sent, response.status);
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
      if (retry && (waitingCount() || loadList(openingKey).length)) {
        flush();
      } else if (retry) { showQueue(); }
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
  document.querySelectorAll("[data-check-out]").forEach(function (button) {
    button.addEventListener("click", function () { recordCheckOut(button.dataset.checkOut); });
  });
  // Each opening of a child's safety details is recorded in the audit trail, offline too.
  document.querySelectorAll(".safety-details").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open) { return; }
      var openings = loadList(openingKey);
      openings.push({ client_id: newId(), participant_id: Number(details.dataset.participant), opened_at: new Date().toISOString() });
      saveList(openingKey, openings);
      flush();
    });
  });
  if (saveButton) { saveButton.hidden = true; }
  form.addEventListener("submit", function (event) { event.preventDefault(); flush(); });

  window.addEventListener("online", flush);
  window.setInterval(function () { if (waitingCount() || loadList(openingKey).length) { flush(); } }, 15000);

  applyState();
  applyQueue();
  showPendingWalkIns();
  showHeld();
  showFigures();
  flush();

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.serviceWorker, { scope: form.dataset.scope })
      .then(function () {
        if (!window.caches) { return; }
        // The walk-in page is kept too, so a newcomer can be typed offline, and the pages a
        // mediator goes back to (the home, follow-ups). On a first visit the worker did not see
        // this page load either: keep it and its files.
        var urls = [form.dataset.walkIn].concat((form.dataset.offlinePages || "").split(" ").filter(Boolean));
        if (!navigator.serviceWorker.controller) {
          urls.push(location.href);
          document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (node) {
            urls.push(node.href || node.src);
          });
        }
        return caches.open("attendance-v1").then(function (cache) {
          return Promise.all(urls.map(function (url) { return cache.add(url).catch(function () {}); }));
        });
      })
      .catch(function () { /* Without a worker the register still works online. */ });
  }
}());
