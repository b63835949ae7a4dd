// -----------------------------------------------------------------------------
// Jiuzhu's wasm fetch (replaces go-app's fetchWithProgress; see
// web/loader.go). The browser compiles app.wasm from the response itself as
// the bytes arrive. Progress is counted on a clone, and only when the file
// comes over the network: from the service worker's cache it is local, and
// counting it cost an offline start half a second on a throttled tablet.
// -----------------------------------------------------------------------------
async function jiuzhuFetchWasm(url, progress) {
  const response = await fetch(url);
  const total = parseInt(goappWasmContentLength, 10) || parseInt(response.headers.get("Content-Length"), 10);
  const cached = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (cached || !response.ok || !response.body || !(total > 0)) {
    progress(100);
    return response;
  }
  const reader = response.clone().body.getReader();
  (async () => {
    let loaded = 0;
    let shown = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      loaded += value.byteLength;
      const percent = Math.min(100, Math.floor((loaded * 100) / total));
      if (percent !== shown) {
        shown = percent;
        progress(percent);
      }
    }
  })().catch(() => {});
  return response;
}
