// Synergy field app: the service worker keeps the app shell (no personal data) for offline
// use. The API is never cached: the app's own encrypted store holds the caseload.
const CACHE = "{{ cache }}";
const SHELL = {{ shell|safe }};
const APP = "{{ app }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  const shell = url.pathname === APP || SHELL.includes(url.pathname);
  if (!shell) return;
  if (!self.navigator.onLine) {
    event.respondWith(caches.match(url.pathname, { ignoreSearch: true }));
    return;
  }
  // Online: the network's copy (a new version, a new CSRF token), kept for the next offline
  // start; the cache when the network fails.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() => caches.match(url.pathname, { ignoreSearch: true }))
  );
});
