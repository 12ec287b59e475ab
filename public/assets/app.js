// The one script public pages load. Pages work fully without it. A classic script (not a
// module): each part keeps its names to itself.

// A workshop's time in the visitor's own zone, next to the workshop's zone.
document.querySelectorAll("[data-local-time]").forEach((el) => {
  try {
    const start = new Date(el.getAttribute("data-start"));
    const end = new Date(el.getAttribute("data-end"));
    // The page's own locale (its digits follow the ARABIC_DIGITS setting), else by language.
    const lang =
      document.documentElement.dataset.locale ||
      (document.documentElement.lang === "ar" ? "ar" : "en-GB");
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

// Live distribution progress: polls the API (session cookie), updates the counts and the
// stage in place, and reloads once it stops running, so the page (and its buttons) show the
// state it ended in.
(() => {
  const box = document.querySelector("[data-progress]");
  if (!box) return;
  const url = box.getAttribute("data-progress");
  // The page's digits (Arabic-Indic when the deployment asks for them).
  const number = new Intl.NumberFormat(document.documentElement.dataset.locale || undefined);
  const set = (key, value) => {
    box.querySelectorAll(`[data-count="${key}"]`).forEach((el) => {
      el.textContent = number.format(value);
    });
  };
  const tick = () => {
    fetch(url, { credentials: "same-origin" })
      .then((r) => r.json())
      .then(
        (d) => {
          if (d.status !== "sending" && d.status !== "scheduled") {
            // Without the notice of the action that led here ("Resumed."): it is over.
            window.location.replace(window.location.pathname);
            return;
          }
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
          const state = document.querySelector("[data-state]");
          // The API's words are English: an English page takes them, another keeps its own.
          if (state && d.state && document.documentElement.lang === "en")
            state.textContent = d.state;
          setTimeout(tick, 2000);
        },
        () => {
          setTimeout(tick, 5000);
        },
      );
  };
  setTimeout(tick, 2000);
})();

// The send form's audience picker: the count of the chosen audience, asked of the checks
// API as boxes change. The review step shows the same numbers without this script.
(() => {
  const form = document.querySelector("form[data-audience-picker]");
  if (!form) return;
  const out = form.querySelector("[data-audience-count]");
  const url = form.getAttribute("data-audience-picker");
  const workshop = form.getAttribute("data-workshop");
  const number = new Intl.NumberFormat(document.documentElement.dataset.locale || undefined);
  // The page's own wording, in its language (data-text-* on the form), with {n} filled in.
  const text = (name, fallback, n) =>
    (form.getAttribute(`data-text-${name}`) || fallback).replace("{n}", n ?? "");
  let asked = 0;
  const update = () => {
    const data = new FormData(form);
    const topics = data.getAll("topics").map(String);
    const every = data.getAll("subscribers").includes("all");
    const statuses = data.getAll("attendees").map(String);
    const audience = {};
    if (every) audience.topics = [];
    else if (topics.length) audience.topics = topics;
    if (workshop && statuses.length) audience.attendeesOf = { workshopId: workshop, statuses };
    if (!audience.topics && !audience.attendeesOf) {
      out.textContent = text("none", "No audience chosen yet.");
      return;
    }
    const mine = ++asked;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(audience),
    })
      .then((r) => (r.ok ? r.json() : null))
      .then((c) => {
        if (mine !== asked || !c) return;
        const both = audience.topics && audience.attendeesOf;
        const n = (k) => number.format(k);
        out.textContent =
          (c.counts.total === 1 && document.documentElement.lang === "en"
            ? `${both ? "At most" : "About"} 1 person`
            : text(both ? "at-most" : "about", "About {n} people", n(c.counts.total))) +
          (c.errors.length ? text("problems", ", {n} problem(s) to fix", n(c.errors.length)) : "") +
          (c.warnings.length ? text("warnings", ", {n} warning(s)", n(c.warnings.length)) : "") +
          text("tail", ". The review step gives the details.");
      })
      .catch(() => {});
  };
  form.addEventListener("change", update);
  update();
})();

// A new workshop's form: a city that names a time zone (Beirut → Asia/Beirut, from the zone
// list the field offers) fills in the zone, until the organiser types one themselves.
(() => {
  const zone = document.querySelector("input[data-zone-from]");
  const city = zone && document.getElementById(zone.getAttribute("data-zone-from"));
  if (!zone || !city || !zone.list) return;
  let chosen = false;
  zone.addEventListener("input", () => {
    chosen = true;
  });
  const key = (text) =>
    text
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .trim()
      .replace(/[\s_-]+/g, "_")
      .toLowerCase();
  city.addEventListener("change", () => {
    if (chosen) return;
    const wanted = key(city.value);
    const match = [...zone.list.options].find((o) => key(o.value.split("/").pop()) === wanted);
    if (match) zone.value = match.value;
  });
})();

// After a failed submit, the error summary takes the focus, so keyboard and screen-reader
// users start from the list of what to fix; its links move the focus to their field.
(() => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.querySelectorAll('a[href^="#"]').forEach((a) => {
    a.addEventListener("click", (event) => {
      const field = document.getElementById(a.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    });
  });
})();

// The registrations table's "All shown" box ticks or clears every row's checkbox (they
// belong to the bulk form through form="bulk"), and follows the rows ticked by hand.
(() => {
  const label = document.querySelector("[data-select-all]");
  const form = document.getElementById("bulk");
  if (!label || !form) return;
  const all = label.querySelector("input");
  const rows = () => [...document.querySelectorAll('input[name="ids"][form="bulk"]')];
  label.hidden = false;
  all.addEventListener("change", () => {
    for (const box of rows()) box.checked = all.checked;
  });
  document.addEventListener("change", (event) => {
    if (event.target === all || event.target.getAttribute("form") !== "bulk") return;
    const boxes = rows();
    all.checked = boxes.every((b) => b.checked);
    all.indeterminate = !all.checked && boxes.some((b) => b.checked);
  });
})();
