// /assets/door.js: camera scanning on the door page, where the browser has BarcodeDetector.
// A scanned code is a link to /admin/check-in/{token} on this site; anything else is ignored.
export const DOOR_JS = `
(function () {
  var button = document.getElementById("scan");
  var video = document.getElementById("camera");
  var status = document.getElementById("scan-status");
  if (!button || !video) return;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    button.hidden = true;
    if (status) status.textContent = status.getAttribute("data-unsupported");
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var tick = function () {
        detector.detect(video).then(function (codes) {
          for (var i = 0; i < codes.length; i++) {
            try {
              var url = new URL(codes[i].rawValue, location.href);
              if (url.origin === location.origin && url.pathname.indexOf("/admin/check-in/") === 0) {
                stream.getTracks().forEach(function (t) { t.stop(); });
                location.href = url.pathname;
                return;
              }
            } catch (e) {}
          }
          requestAnimationFrame(tick);
        }, function () { requestAnimationFrame(tick); });
      };
      tick();
    }, function () { if (status) status.textContent = status.getAttribute("data-denied"); });
  });
})();
`;
