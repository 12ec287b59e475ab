// The one script public pages load (/assets/app.js): shows a workshop's time in the
// visitor's own zone next to the workshop's zone. Pages work fully without it.
export const LOCAL_TIME_JS = `
document.querySelectorAll("[data-local-time]").forEach(function (el) {
  try {
    var start = new Date(el.getAttribute("data-start"));
    var end = new Date(el.getAttribute("data-end"));
    var lang = document.documentElement.lang === "ar" ? "ar" : "en-GB";
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === el.getAttribute("data-zone")) return;
    var day = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", hour12: false });
    var time = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hour12: false });
    el.textContent = el.getAttribute("data-label") + ": " + day.format(start) + " – " + time.format(end) + " (" + zone + ")";
    el.hidden = false;
  } catch (e) {}
});
`;

// Reader's text size on report pages: buttons shown only when this script runs, the choice
// kept in localStorage.
export const TEXT_SIZE_JS = `
(function () {
  var box = document.getElementById("text-size");
  if (!box) return;
  var root = document.documentElement;
  var scale = Number(localStorage.getItem("text-scale")) || 1;
  var apply = function () { root.style.setProperty("--text-scale", String(scale)); localStorage.setItem("text-scale", String(scale)); };
  apply();
  box.hidden = false;
  box.querySelectorAll("button[data-step]").forEach(function (b) {
    b.addEventListener("click", function () {
      var step = Number(b.getAttribute("data-step"));
      scale = step === 0 ? 1 : Math.min(1.6, Math.max(0.85, Math.round((scale + step) * 100) / 100));
      apply();
    });
  });
})();
`;

// Live distribution progress: polls the API (session cookie) and updates counts in place.
export const PROGRESS_JS = `
(function () {
  var box = document.querySelector("[data-progress]");
  if (!box) return;
  var url = box.getAttribute("data-progress");
  var set = function (key, value) { box.querySelectorAll('[data-count="' + key + '"]').forEach(function (el) { el.textContent = String(value); }); };
  var tick = function () {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
      var done = d.sent + d.failed + d.skipped;
      ["total", "sent", "failed", "skipped", "delivered", "bounced", "complained"].forEach(function (k) { set(k, d[k]); });
      set("done", done);
      var bar = box.querySelector("progress");
      if (bar) { bar.max = Math.max(d.total, 1); bar.value = done; }
      if (d.status === "sending" || d.status === "scheduled") setTimeout(tick, 2000);
      else set("status", d.status);
    }, function () { setTimeout(tick, 5000); });
  };
  setTimeout(tick, 2000);
})();
`;

export const APP_JS = LOCAL_TIME_JS + TEXT_SIZE_JS + PROGRESS_JS;
