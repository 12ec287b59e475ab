// The one script public pages load. Pages work fully without it. A classic script (not a
// module): each part keeps its names to itself.

// A workshop's time in the visitor's own zone, next to the workshop's zone.
document.querySelectorAll("[data-local-time]").forEach((el) => {
  try {
    const start = new Date(el.getAttribute("data-start"));
    const end = new Date(el.getAttribute("data-end"));
    const lang = document.documentElement.lang === "ar" ? "ar" : "en-GB";
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === el.getAttribute("data-zone")) return;
    const day = new Intl.DateTimeFormat(lang, {
      weekday: "long",
      day: "numeric",
      month: "long",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    const time = new Intl.DateTimeFormat(lang, {
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    el.textContent = `${el.getAttribute("data-label")}: ${day.format(start)} – ${time.format(end)} (${zone})`;
    el.hidden = false;
  } catch {}
});

// Reader's text size on report pages: buttons shown only when this script runs, the choice
// kept in localStorage.
(() => {
  const box = document.getElementById("text-size");
  if (!box) return;
  const root = document.documentElement;
  let scale = Number(localStorage.getItem("text-scale")) || 1;
  const apply = () => {
    root.style.setProperty("--text-scale", String(scale));
    localStorage.setItem("text-scale", String(scale));
  };
  apply();
  box.hidden = false;
  box.querySelectorAll("button[data-step]").forEach((b) => {
    b.addEventListener("click", () => {
      const step = Number(b.getAttribute("data-step"));
      scale =
        step === 0 ? 1 : Math.min(1.6, Math.max(0.85, Math.round((scale + step) * 100) / 100));
      apply();
    });
  });
})();

// Live distribution progress: polls the API (session cookie) and updates counts in place.
(() => {
  const box = document.querySelector("[data-progress]");
  if (!box) return;
  const url = box.getAttribute("data-progress");
  const set = (key, value) => {
    box.querySelectorAll(`[data-count="${key}"]`).forEach((el) => {
      el.textContent = String(value);
    });
  };
  const tick = () => {
    fetch(url, { credentials: "same-origin" })
      .then((r) => r.json())
      .then(
        (d) => {
          const done = d.sent + d.failed + d.skipped;
          for (const k of [
            "total",
            "sent",
            "failed",
            "skipped",
            "delivered",
            "bounced",
            "complained",
          ])
            set(k, d[k]);
          set("done", done);
          const bar = box.querySelector("progress");
          if (bar) {
            bar.max = Math.max(d.total, 1);
            bar.value = done;
          }
          if (d.status === "sending" || d.status === "scheduled") setTimeout(tick, 2000);
          else set("status", d.error ? `${d.status}: ${d.error}` : d.status);
        },
        () => {
          setTimeout(tick, 5000);
        },
      );
  };
  setTimeout(tick, 2000);
})();
