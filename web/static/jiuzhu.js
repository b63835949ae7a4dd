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

// Signatures (app/signature.go): drawn with a finger or a pen on a
// canvas.jz-sign, here rather than in Go so that a stroke does not cross
// into WebAssembly at every pointer move. When a stroke ends, the canvas
// goes as a PNG data URL into the hidden input named by data-for.
(() => {
  let drawing = null;
  const at = (c, e) => {
    const r = c.getBoundingClientRect();
    return [(e.clientX - r.left) * (c.width / r.width), (e.clientY - r.top) * (c.height / r.height)];
  };
  document.addEventListener("pointerdown", (e) => {
    const c = e.target instanceof Element ? e.target.closest("canvas.jz-sign") : null;
    if (!c) return;
    e.preventDefault();
    c.setPointerCapture(e.pointerId);
    const g = c.getContext("2d");
    g.lineWidth = 3;
    g.lineCap = "round";
    g.lineJoin = "round";
    g.strokeStyle = "#111";
    const [x, y] = at(c, e);
    g.beginPath();
    g.moveTo(x, y);
    g.lineTo(x + 0.1, y + 0.1); // a tap leaves a dot
    g.stroke();
    drawing = { c, g, id: e.pointerId };
  });
  document.addEventListener("pointermove", (e) => {
    if (!drawing || e.pointerId !== drawing.id) return;
    e.preventDefault();
    const [x, y] = at(drawing.c, e);
    drawing.g.lineTo(x, y);
    drawing.g.stroke();
  });
  const end = (e) => {
    if (!drawing || e.pointerId !== drawing.id) return;
    const c = drawing.c;
    drawing = null;
    const input = document.getElementById(c.dataset.for);
    if (!input) return;
    input.value = c.toDataURL("image/png");
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  document.addEventListener("pointerup", end);
  document.addEventListener("pointercancel", end);
  window.jiuzhuClearSignature = (id) => {
    const c = document.querySelector(`canvas.jz-sign[data-for="${id}"]`);
    if (c) c.getContext("2d").clearRect(0, 0, c.width, c.height);
    const input = document.getElementById(id);
    if (input) input.value = "";
  };
})();

// The on-screen keyboard: the page is laid out again in the space above it
// (interactive-widget), and the control being typed into is kept in view.
(() => {
  const meta = document.querySelector('meta[name="viewport"]');
  if (meta && !meta.content.includes("interactive-widget")) {
    meta.content += ", interactive-widget=resizes-content";
  }
  const typing = () => {
    const el = document.activeElement;
    return el && el.matches && el.matches("input, textarea, select") ? el : null;
  };
  const keepInView = () => {
    const el = typing();
    if (!el) return;
    const vv = window.visualViewport;
    const bottom = vv ? vv.offsetTop + vv.height : window.innerHeight;
    const r = el.getBoundingClientRect();
    if (r.top < 0 || r.bottom > bottom) el.scrollIntoView({ block: "center" });
  };
  if (window.visualViewport) window.visualViewport.addEventListener("resize", keepInView);
  window.addEventListener("resize", keepInView);
  document.addEventListener("focusin", () => setTimeout(keepInView, 0));
})();

// Photos (app/photos.go): a picture taken with the camera is made smaller
// here, where the browser decodes and encodes images natively: the longer
// side at most maxSide pixels, JPEG at quality. Resolves to the JPEG's
// bytes and their SHA-256 (hex), which names the photo everywhere.
window.jiuzhuPhoto = async (file, maxSide, quality) => {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(w, h);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  return { bytes, sha, width: w, height: h };
};

// jiuzhuObjectURL shows bytes as an image without a network request.
window.jiuzhuObjectURL = (bytes, type) => URL.createObjectURL(new Blob([bytes], { type }));

// jiuzhuDownload saves bytes as a file the person can keep.
window.jiuzhuDownload = (bytes, type, name) => {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
};

// Exports (app/export.go): fetches an export of the server's records with
// the session token and saves it under the name the server gives (RFC
// 5987 filename*, else filename). Resolves to { status, text } for an
// error answer, { status, name, rows, masked } once saved; rejects when
// the server cannot be reached.
window.jiuzhuExport = async (path, token) => {
  const opts = { headers: { Authorization: "Bearer " + token }, cache: "no-store" };
  if (window.AbortSignal && AbortSignal.timeout) opts.signal = AbortSignal.timeout(120000);
  const resp = await fetch(path, opts);
  if (!resp.ok) return { status: resp.status, text: await resp.text() };
  const blob = await resp.blob();
  const cd = resp.headers.get("Content-Disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const plain = /filename="([^"]+)"/i.exec(cd);
  let name = "export";
  if (star) {
    try { name = decodeURIComponent(star[1]); } catch (e) { name = plain ? plain[1] : name; }
  } else if (plain) {
    name = plain[1];
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return {
    status: resp.status,
    name,
    rows: Number(resp.headers.get("X-Jiuzhu-Rows") || 0),
    masked: Number(resp.headers.get("X-Jiuzhu-Masked") || 0),
  };
};
