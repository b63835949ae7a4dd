// Jiuzhu service worker (served as /app-worker.js; go-app fills in the
// version and the list of files). It keeps the app shell so the app starts
// and runs with no network:
// - install precaches every listed file, bypassing the HTTP cache; if any one
//   fails the install fails, loudly, and the previous version stays;
// - every navigation is answered with the cached shell ("/"), so a cold start
//   on a deep link such as /cases works offline; the app then routes itself;
// - /sync, /api/, /healthz and /metrics always go to the network;
// - other same-origin GETs come from the cache, then the network.
const cacheName = "app-{{.Version}}";
const resourcesToCache = {{.ResourcesToCache}};
const networkOnly = [/^\/sync(\/|$)/, /^\/api\//, /^\/healthz$/, /^\/metrics$/];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(cacheName);
    await cache.addAll(resourcesToCache.map((url) => new Request(url, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== cacheName && key.startsWith("app-")) {
        await caches.delete(key);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || networkOnly.some((re) => re.test(url.pathname))) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(appShell(request));
    return;
  }
  event.respondWith(cacheFirst(request));
});

async function appShell(request) {
  const cache = await caches.open(cacheName);
  const shell = await cache.match("/");
  return shell || fetch(request);
}

async function cacheFirst(request) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(request);
  return hit || fetch(request);
}
