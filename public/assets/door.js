// Camera scanning on the door page, where the browser has BarcodeDetector.
// A scanned code is a link to /admin/check-in/{token} on this site; anything else is ignored.
(() => {
  const button = document.getElementById("scan");
  const video = document.getElementById("camera");
  const status = document.getElementById("scan-status");
  if (!button || !video) return;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    button.hidden = true;
    if (status) status.textContent = status.getAttribute("data-unsupported");
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(
      (stream) => {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        const tick = () => {
          detector.detect(video).then(
            (codes) => {
              for (const code of codes) {
                try {
                  const url = new URL(code.rawValue, location.href);
                  if (
                    url.origin === location.origin &&
                    url.pathname.startsWith("/admin/check-in/")
                  ) {
                    for (const track of stream.getTracks()) track.stop();
                    location.href = url.pathname;
                    return;
                  }
                } catch {}
              }
              requestAnimationFrame(tick);
            },
            () => {
              requestAnimationFrame(tick);
            },
          );
        };
        tick();
      },
      () => {
        if (status) status.textContent = status.getAttribute("data-denied");
      },
    );
  });
})();
