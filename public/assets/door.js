// Camera scanning on the door page. BarcodeDetector where the browser has it for QR codes;
// elsewhere (Safari on iPhone, Firefox) the small jsQR library, fetched only then, decodes
// frames drawn on a canvas. Without a camera API (no getUserMedia, an insecure context) the
// button stays hidden and the page says to search by name.
// A scanned code is a link to /admin/check-in/{token} on this site; anything else is ignored.
(() => {
  const button = document.getElementById("scan");
  const video = document.getElementById("camera");
  const status = document.getElementById("scan-status");
  const section = document.getElementById("scan-section");
  if (!button || !video) return;
  /** Five looks a second: enough for a code held up to the phone, easy on its battery. */
  const FRAME_MS = 200;
  /** Frames are scaled down to this width before jsQR reads them: a code fills much of it. */
  const DECODE_WIDTH = 480;

  const say = (key) => {
    if (status) status.textContent = status.getAttribute(key);
  };
  const cameraAvailable =
    window.isSecureContext !== false && Boolean(navigator.mediaDevices?.getUserMedia);
  if (!cameraAvailable) {
    button.hidden = true;
    say("data-unsupported");
    return;
  }

  /** A decoder: a function from the video to the texts of the QR codes it sees now. */
  async function nativeDecoder() {
    if (!("BarcodeDetector" in window)) return null;
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats?.();
      if (formats && !formats.includes("qr_code")) return null;
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return async (source) => (await detector.detect(source)).map((code) => code.rawValue);
    } catch {
      return null;
    }
  }

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/assets/vendor/jsQR.js";
      script.onload = () => (window.jsQR ? resolve(window.jsQR) : reject(new Error("no jsQR")));
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  async function jsQRDecoder() {
    const jsQR = await loadJsQR();
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    return async (source) => {
      if (!source.videoWidth) return [];
      const scale = Math.min(1, DECODE_WIDTH / source.videoWidth);
      canvas.width = Math.round(source.videoWidth * scale);
      canvas.height = Math.round(source.videoHeight * scale);
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return code ? [code.data] : [];
    };
  }

  /** The check-in path a scanned text points to on this site, or null. */
  function checkInPath(text) {
    try {
      const url = new URL(text, location.href);
      return url.origin === location.origin && url.pathname.startsWith("/admin/check-in/")
        ? url.pathname
        : null;
    } catch {
      return null;
    }
  }

  const decoderReady = nativeDecoder().then((native) => {
    if (section) section.setAttribute("data-scanner", native ? "native" : "jsqr");
    return native;
  });
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    let decode;
    let stream;
    try {
      [decode, stream] = await Promise.all([
        decoderReady.then((native) => native ?? jsQRDecoder()),
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }),
      ]);
    } catch (error) {
      button.disabled = false;
      // No camera (or no permission) is "denied"; a decoder that failed to load is "unsupported".
      say(error?.name && error.name !== "Error" ? "data-denied" : "data-unsupported");
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    button.hidden = true;
    await video.play().catch(() => {});
    const look = async () => {
      const texts = await decode(video).catch(() => []);
      for (const text of texts) {
        const path = checkInPath(text);
        if (path) {
          for (const track of stream.getTracks()) track.stop();
          location.href = path;
          return;
        }
      }
      setTimeout(look, FRAME_MS);
    };
    look();
  });
})();
