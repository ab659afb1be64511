/* Registers the service worker (/sw.js, lms/offline.py) on pages of a logged-in user, so that lessons already
   opened stay readable offline (a stored lesson says so while offline). On a page without data-sw (logged out),
   what it stored is dropped and it is unregistered: the next person at a shared desk computer finds nothing of the
   previous one's. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) { return; }
  var url = document.body && document.body.getAttribute("data-sw");
  if (url) {
    // A lesson read from the stored copy says so while the browser is offline (templates/courses/lesson_page.html).
    var notice = document.querySelector("[data-offline-notice]");
    if (notice) {
      var show = function () { notice.hidden = navigator.onLine !== false; };
      show();
      window.addEventListener("online", show);
      window.addEventListener("offline", show);
    }
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(url, { scope: "/" }).catch(function () { /* offline reading is a bonus */ });
    });
    return;
  }
  // The worker still answering this page stops storing and empties its caches; it is unregistered, and the
  // caches are emptied again once it is (a font this page loaded meanwhile may have been stored).
  if (navigator.serviceWorker.controller) { navigator.serviceWorker.controller.postMessage({ type: "clear" }); }
  var drop = function () {
    if (!window.caches || !caches.keys) { return; }
    caches.keys().then(function (names) {
      names.forEach(function (name) { if (name.indexOf("osa-") === 0) { caches.delete(name); } });
    });
  };
  drop();
  if (navigator.serviceWorker.getRegistrations) {
    navigator.serviceWorker.getRegistrations().then(function (regs) {
      return Promise.all(regs.map(function (reg) { return reg.unregister(); }));
    }).then(drop, drop);
  }
})();
