/* Heard's service worker (served as /sw.js, scope /): answers that wait
   offline, and a shared tablet kept on its touchpoint.
   - Keeps the respondent pages (/t/...) and static files it sees, so a form
     opens without a connection; a kept form gets a new submission id each
     time it is shown. Thank-you pages and anything with answers are never kept.
   - Answers heard.js could not send are kept in IndexedDB encrypted (AES-GCM)
     with a key that cannot be read out (a non-extractable WebCrypto key), never
     shown on a page, sent when there is a connection (Background Sync, the
     online event, or the next page), and deleted once Heard confirms them. The
     submission id in each makes a repeat harmless: it is stored once.
   - On a shared device, navigation away from its touchpoint (help, privacy
     and language pages aside) leads back to its start, until the staff PIN
     page says otherwise. */
"use strict";

var CACHE = "heard-v1";
var KEPT_PAGE = /^\/t\/[^/]+(\/who|\/form\/[^/]+)?$/;
var FREE = /^\/(help|privacy|language|static)(\/|$)/;
var opened = null;
var secret = null;
var flushing = null;

function database() {
  return opened || (opened = new Promise(function (resolve, reject) {
    var request = indexedDB.open("heard", 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore("outbox", { autoIncrement: true });
      request.result.createObjectStore("keep");
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { opened = null; reject(request.error); };
  }));
}

function store(name, mode, work) {
  return database().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(name, mode), result;
      var request = work(tx.objectStore(name));
      if (request) { request.onsuccess = function () { result = request.result; }; }
      tx.oncomplete = function () { resolve(result); };
      tx.onerror = tx.onabort = function () { reject(tx.error); };
    });
  });
}

function kept(name) { return store("keep", "readonly", function (s) { return s.get(name); }); }
function keep(name, value) { return store("keep", "readwrite", function (s) { return s.put(value, name); }); }

function key() {
  return secret || (secret = kept("key").then(function (found) {
    if (found) { return found; }
    return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
      .then(function (made) { return keep("key", made).then(function () { return made; }); });
  }).catch(function (error) { secret = null; throw error; }));
}

function queue(item) {
  var iv = crypto.getRandomValues(new Uint8Array(12));
  return key().then(function (k) {
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, k, new TextEncoder().encode(item.body));
  }).then(function (sealed) {
    return store("outbox", "readwrite", function (s) { return s.add({ url: item.url, iv: iv, sealed: sealed }); });
  }).then(function () {
    if (self.registration.sync) { return self.registration.sync.register("heard-outbox").catch(function () {}); }
  });
}

// Send what waits, oldest first; resolves with how many still wait.
function flush() {
  return flushing || (flushing = sendAll().then(function (left) { flushing = null; return left; },
    function (error) { flushing = null; throw error; }));
}

function sendAll() {
  return Promise.all([store("outbox", "readonly", function (s) { return s.getAllKeys(); }),
                      store("outbox", "readonly", function (s) { return s.getAll(); })]).then(function (both) {
    var left = 0;
    return both[0].reduce(function (done, id, i) {
      return done.then(function () {
        return send(both[1][i]).then(function (gone) {
          if (gone) { return store("outbox", "readwrite", function (s) { return s.delete(id); }); }
          left += 1;
        });
      });
    }, Promise.resolve()).then(function () { return left; });
  });
}

// true: Heard has it (stored now or before) or can never take it (a 4xx): delete it.
function send(item) {
  return key().then(function (k) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: item.iv }, k, item.sealed);
  }).then(function (plain) {
    return fetch(item.url, { method: "POST", body: new TextDecoder().decode(plain), credentials: "omit",
      cache: "no-store", headers: { "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true" } });
  }).then(function (response) {
    var status = response.status;
    return (response.ok && !!response.headers.get("HX-Redirect")) ||
      (status >= 400 && status < 500 && status !== 408 && status !== 429);
  }, function () { return false; });
}

function keptCopy(request, url) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (found) { return found || cache.match(url.pathname, { ignoreSearch: true }); });
  }).then(function (found) {
    if (!found) { return Response.error(); }
    // Every person gets a new submission id, so two people's answers are never taken for one.
    return found.text().then(function (html) {
      var fresh = html.replace(/(name="submission_id" value=")[^"]*/, "$1" + crypto.randomUUID());
      return new Response(fresh, { status: 200, headers: found.headers });
    });
  });
}

function navigate(request, url) {
  return kept("lock").then(function (lock) {
    if (lock && url.pathname !== lock.path && url.pathname.indexOf(lock.path + "/") !== 0 && !FREE.test(url.pathname)) {
      return Response.redirect(lock.start, 303);
    }
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic" && KEPT_PAGE.test(url.pathname)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      flush().catch(function () {});
      return response;
    }, function () { return keptCopy(request, url); });
  }, function () { return fetch(request); });
}

function staticFile(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (found) {
      return found || fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
    });
  });
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFile(request));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "heard-outbox") { return; }
  event.waitUntil(flush().then(function (left) { if (left) { throw new Error("still waiting"); } }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {}, port = event.ports[0];
  var work = data.queue ? queue(data.queue)
    : data.unlock ? keep("lock", null)
    : data.lock ? keep("lock", data.lock).then(function () {
      return caches.open(CACHE).then(function (cache) { return cache.addAll(data.cache || []); });
    })
    : Promise.resolve();
  event.waitUntil(work.then(function () {
    if (port) { port.postMessage({ ok: true }); }
    if (data.queue || data.flush) { return flush(); }
  }, function () { if (port) { port.postMessage({ ok: false }); } }).catch(function () {}));
});
