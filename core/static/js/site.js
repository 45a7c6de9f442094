// Small enhancements for every page; each works without this script too.
// - [data-confirm] on a form or a submit button: ask before a destructive action.
// - [data-copy] buttons (hidden until this script shows them): copy the value of the field
//   whose id they name, and say so in the status next to them.
(function () {
  "use strict";
  // A page shown without a connection: say from when. The offline worker fills data-saved-at
  // in the copy it kept; a page loaded before the connection dropped dates from its loading.
  var offlineNotice = document.getElementById("offline-notice");
  var loadedAt = new Date();
  function showOffline() {
    if (!offlineNotice) { return; }
    if (navigator.onLine) { offlineNotice.hidden = true; return; }
    var saved = offlineNotice.getAttribute("data-saved-at") ? new Date(offlineNotice.getAttribute("data-saved-at")) : loadedAt;
    if (isNaN(saved.getTime())) { saved = loadedAt; }
    var time = ("0" + saved.getHours()).slice(-2) + ":" + ("0" + saved.getMinutes()).slice(-2);
    offlineNotice.textContent = offlineNotice.getAttribute("data-text").replace("%t", time);
    offlineNotice.hidden = false;
  }
  window.addEventListener("online", showOffline);
  window.addEventListener("offline", showOffline);
  showOffline();

  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute("data-confirm")) ||
      event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // Tables read as stacked cards on a phone (site.css): each cell carries its column's name.
  document.querySelectorAll("table").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head || table.classList.contains("no-stack")) { return; }
    var names = Array.prototype.map.call(head.cells, function (cell) {
      return cell.textContent.trim().replace(/\s+/g, " ");
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (names[index] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[index]);
          }
        });
      });
    });
    table.classList.add("stacked");
  });

  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy") + "-copied");
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) { status.textContent = button.getAttribute("data-copied-text"); }
      }, function () {
        field.focus();
        field.select();
      });
    });
  });
})();
