// Jiuzhu page glue, loaded before the WebAssembly app starts.
//
// A new version is installed by the service worker in the background; when it
// activates it takes over this page ("controllerchange"). That can happen
// before the app has started, so it is recorded here, where nothing can miss
// it, and the app reads window.jiuzhuUpdated and listens for "jiuzhu-update".
window.jiuzhuUpdated = false;
if ("serviceWorker" in navigator) {
  const hadController = navigator.serviceWorker.controller !== null;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadController) {
      window.jiuzhuUpdated = true;
      window.dispatchEvent(new Event("jiuzhu-update"));
    }
  });
}
