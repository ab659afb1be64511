{% load static %}/* One-Stop Academy service worker (served by lms/offline.py at /sw.js; see its docstring).
   Lessons the officer has opened stay readable offline; nothing else of a user's is stored. */
"use strict";
var VERSION = "{{ version|escapejs }}";
var PREFIX = "osa-";
var STATIC_CACHE = PREFIX + "static-" + VERSION;
var PAGES_CACHE = PREFIX + "pages-" + VERSION;
var MEDIA_CACHE = PREFIX + "media-" + VERSION;
var IMAGES_URL = "{{ images_url|escapejs }}";  // public renditions (lms/media.py): a name never changes
var OFFLINE_URL = "{% url 'offline' %}";
var STATIC_URL = "{% get_static_prefix %}";
var PRECACHE = [
  OFFLINE_URL,
  "{% static 'css/app.css' %}",
  "{% static 'js/app.js' %}",
  "{% static 'js/offline.js' %}",
  "{% static 'img/logo.svg' %}",
  "{% static 'img/favicon.svg' %}",
  "{% static 'fonts/BeVietnamPro-Regular.woff2' %}",
  "{% static 'courses/courses.css' %}"
];
// Pages that are never stored, whatever their headers say (a lesson page opts in with X-Offline-Cache: lesson).
var NEVER = ["/admin/", "/accounts/", "/kiem-tra/", "/chung-nhan/", "/quan-ly/", "/dao-tao/", "/thong-bao/",
             "/documents/", "/media/", "/i18n/", "/sw.js"];
var PAGES_MAX = 80;
var MEDIA_MAX = 200;
var NETWORK_WAIT = 8000;  // a flaky connection: after this long the stored copy of a lesson is shown
var HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;  // ManifestStaticFilesStorage names: never change once made

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
    return cache.addAll(PRECACHE);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && [STATIC_CACHE, PAGES_CACHE, MEDIA_CACHE].indexOf(name) === -1;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// The logged-out page (static/js/offline.js) asks for every stored page to be dropped; until this worker is gone
// (offline.js unregisters it) nothing more is stored.
var cleared = false;
self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "clear") { return; }
  cleared = true;
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(PREFIX) === 0; }).map(function (n) {
      return caches.delete(n);
    }));
  }));
});

function never(url) {
  return NEVER.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; });
}

function trim(cache, max) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map(function (k) { return cache.delete(k); }));
  });
}

// Reads never open a cache (caches.open would make it again after a logout emptied it); writes do.
function lookup(request, name) {
  return caches.match(request, { cacheName: name, ignoreVary: true });
}

function store(name, request, response, max) {
  if (cleared) { return Promise.resolve(); }
  return caches.open(name).then(function (cache) {
    // Delete first so that trim() drops the least recently stored.
    return cache.delete(request, { ignoreVary: true }).then(function () { return cache.put(request, response); })
      .then(function () { return max ? trim(cache, max) : null; });
  }).catch(function () { /* a full disk: the page is still shown */ });
}

function storable(response, url) {
  return !cleared && response && response.ok && response.type === "basic" && !never(url) &&
    (response.headers.get("X-Offline-Cache") || "").toLowerCase() === "lesson";
}

// Lesson pages: network first (the newest when online); the stored copy when offline or after NETWORK_WAIT;
// the offline page for anything else.
function page(request, url) {
  var stored = lookup(request, PAGES_CACHE);
  var network = fetch(request).then(function (response) {
    if (storable(response, url)) { store(PAGES_CACHE, request, response.clone(), PAGES_MAX); }
    // The server reconnecting to its database (503) or failing: a stored copy of the lesson is better.
    if (response.status >= 500) { return stored.then(function (hit) { return hit || response; }); }
    return response;
  });
  var fallback = function () {
    return stored.then(function (hit) {
      return hit || caches.match(OFFLINE_URL).then(function (offline) { return offline || Response.error(); });
    });
  };
  var slow = new Promise(function (resolve) {
    setTimeout(function () { stored.then(function (hit) { if (hit) { resolve(hit); } }); }, NETWORK_WAIT);
  });
  return Promise.race([network, slow]).catch(fallback);
}

// Static files: hashed names from the cache first (they never change); others (development) network first.
// Lesson images (public renditions): from the cache first, the least recently stored dropped past MEDIA_MAX.
function asset(request, url, name, immutable, max) {
  return lookup(request, name).then(function (hit) {
    if (hit && immutable) { return hit; }
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic" && response.status === 200) {
        store(name, request, response.clone(), max);
      }
      return response;
    }).catch(function () { return hit || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.headers.has("Range")) { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(STATIC_URL) === 0) {
    event.respondWith(asset(request, url, STATIC_CACHE, HASHED.test(url.pathname), 0));
    return;
  }
  if (url.pathname.indexOf(IMAGES_URL) === 0 && request.mode !== "navigate") {
    event.respondWith(asset(request, url, MEDIA_CACHE, true, MEDIA_MAX));
    return;
  }
  if (request.mode === "navigate") { event.respondWith(page(request, url)); }
});
