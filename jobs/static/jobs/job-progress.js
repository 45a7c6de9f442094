// Polls a background job's state and shows its progress; reloads the page once it is finished
// so that the server renders the result link. Works without this script (a Refresh link).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "true") { return; }
  var url = box.dataset.statusUrl;
  var bar = box.querySelector("[data-job-progress]");
  var state = box.querySelector("[data-job-state]");
  var message = box.querySelector("[data-job-message]");
  var delay = 1000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { delay = Math.min(delay * 2, 10000); return; }
        bar.value = job.progress;
        bar.textContent = job.progress + " %";
        state.textContent = job.state_label;
        if (job.message && message.textContent !== job.message) { message.textContent = job.message; }
        if (job.finished) { window.location.reload(); return "done"; }
      })
      .catch(function () { delay = Math.min(delay * 2, 10000); })
      .then(function (done) { if (done !== "done") { window.setTimeout(poll, delay); } });
  }
  window.setTimeout(poll, delay);
})();
