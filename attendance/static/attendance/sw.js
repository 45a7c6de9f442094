/* Keeps the register pages, the mediator's home and their files for use without a connection.
 * Pages and files: network first, the last copy when offline. The API is never cached: marks
 * wait in the page's queue instead.
 */
"use strict";
var CACHE = "attendance-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) {
    return;
  }
  // The worker's scope is the whole site so that the mediator's home (/, where the app opens)
  // works offline too; it keeps only that page, the attendance pages and the site's files.
  var offlinePage = url.pathname === "/" || url.pathname.indexOf("/attendance/") === 0;
  if (!offlinePage && url.pathname.indexOf("/static/") === -1) { return; }
  var keep = request.mode === "navigate" || url.pathname.indexOf("/static/") !== -1;
  event.respondWith(
    fetch(request).then(function (response) {
      // A redirect (to the login page) is not the page asked for: do not keep it under its name.
      if (keep && response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreVary: true }).then(function (cached) {
        if (!cached) { return Response.error(); }
        var saved = Date.parse(cached.headers.get("Date") || "");
        if (request.mode !== "navigate" || isNaN(saved)) { return cached; }
        // The page says when it was saved: its notice reads the time the server answered.
        return cached.text().then(function (html) {
          var page = html.replace('data-saved-at=""', 'data-saved-at="' + new Date(saved).toISOString() + '"');
          return new Response(page, { status: cached.status, statusText: cached.statusText, headers: cached.headers });
        });
      });
    })
  );
});
