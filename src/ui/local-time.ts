// The one script public pages load (/assets/app.js): shows a workshop's time in the
// visitor's own zone next to the workshop's zone. Pages work fully without it.
export const APP_JS = `
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
