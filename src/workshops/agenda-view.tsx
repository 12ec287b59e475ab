// The agenda as participants and the public read it (the workshop page, the participant's
// page) and as a calendar file's description: already cut to what the viewer may see
// (`agendaAs`, ./agenda.ts), in the page's language, times on the workshop's clock.
import { dictionary, fill, type Lang, localeOf } from "../i18n";
import type { ShownPerson, ShownSession } from "./agenda";
import type { Workshop } from "./types";

const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: Lang, timeZone: string, withDay: boolean) {
  const key = `${localeOf(lang)}|${timeZone}|${withDay}`;
  let found = formats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(localeOf(lang), {
      timeZone,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      ...(withDay ? { weekday: "long", day: "numeric", month: "long" } : {}),
    });
    formats.set(key, found);
  }
  return found;
}

/** Whether the workshop runs over more than one day on its own clock: then times say the day. */
function spansDays(workshop: Pick<Workshop, "startsAt" | "endsAt" | "timezone">) {
  const day = new Intl.DateTimeFormat("en", {
    timeZone: workshop.timezone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
  });
  return day.format(workshop.startsAt) !== day.format(new Date(workshop.endsAt.getTime() - 1));
}

/** "10:00 – 11:30", or "Monday, 4 May, 10:00 – 11:30" in a workshop of several days. */
export function sessionTime(
  session: Pick<ShownSession, "startsAt" | "endsAt">,
  workshop: Pick<Workshop, "startsAt" | "endsAt" | "timezone">,
  lang: Lang,
): string {
  const start = format(lang, workshop.timezone, spansDays(workshop)).format(session.startsAt);
  const end = format(lang, workshop.timezone, false).format(session.endsAt);
  return `${start} – ${end}`;
}

/** A person as this viewer may see them: name and affiliation, or only their role. */
export function personLabel(person: ShownPerson, lang: Lang): string {
  const t = dictionary(lang).ui;
  if (person.name === null)
    return person.role === "speaker" ? t.agendaUnnamedSpeaker : t.agendaUnnamedModerator;
  const comma = lang === "ar" ? "، " : ", ";
  return person.affiliation ? `${person.name}${comma}${person.affiliation}` : person.name;
}

function People({ people, label, lang }: { people: ShownPerson[]; label: string; lang: Lang }) {
  if (people.length === 0) return null;
  return (
    <p class="agenda-people">
      <span class="muted">{label}: </span>
      {people.map((p, i) => (
        <>
          {i > 0 ? (lang === "ar" ? "، " : ", ") : null}
          {p.name === null ? (
            <span>{personLabel(p, lang)}</span>
          ) : (
            <bdi>{personLabel(p, lang)}</bdi>
          )}
        </>
      ))}
    </p>
  );
}

export function Agenda({
  sessions,
  workshop,
  lang,
}: {
  sessions: ShownSession[];
  workshop: Workshop;
  lang: Lang;
}) {
  if (sessions.length === 0) return null;
  const t = dictionary(lang).ui;
  return (
    <section aria-labelledby="agenda" class="agenda">
      <h2 id="agenda">{t.agendaTitle}</h2>
      <ol class="agenda-list">
        {sessions.map((s) => (
          <li>
            <p class="agenda-time">
              <time datetime={s.startsAt.toISOString()}>{sessionTime(s, workshop, lang)}</time>
            </p>
            <h3 dir="auto" lang={s.title && s.title.lang !== lang ? s.title.lang : undefined}>
              {s.title?.text ?? ""}
            </h3>
            {s.room ? <p class="muted">{fill(t.agendaRoom, { room: s.room })}</p> : null}
            {s.description ? (
              <div
                class="agenda-description"
                dir="auto"
                lang={s.description.lang !== lang ? s.description.lang : undefined}
              >
                {s.description.text.split(/\n\s*\n/).map((p) => (
                  <p>{p}</p>
                ))}
              </div>
            ) : null}
            <People
              people={s.people.filter((p) => p.role === "moderator")}
              label={t.agendaModerators}
              lang={lang}
            />
            <People
              people={s.people.filter((p) => p.role === "speaker")}
              label={t.agendaSpeakers}
              lang={lang}
            />
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The agenda as plain text, for a calendar file's DESCRIPTION; "" without sessions. */
export function agendaText(sessions: ShownSession[], workshop: Workshop, lang: Lang): string {
  if (sessions.length === 0) return "";
  const t = dictionary(lang).ui;
  const lines = [t.agendaCalendarHeading];
  for (const s of sessions) {
    const room = s.room ? ` (${fill(t.agendaRoom, { room: s.room })})` : "";
    lines.push(`${sessionTime(s, workshop, lang)} ${s.title?.text ?? ""}${room}`);
    const moderators = s.people.filter((p) => p.role === "moderator");
    const speakers = s.people.filter((p) => p.role === "speaker");
    const comma = lang === "ar" ? "، " : ", ";
    const list = (people: ShownPerson[]) =>
      people.map((p) => (p.name === null ? personLabel(p, lang) : p.name)).join(comma);
    if (moderators.length) lines.push(`  ${t.agendaModerators}: ${list(moderators)}`);
    if (speakers.length) lines.push(`  ${t.agendaSpeakers}: ${list(speakers)}`);
  }
  return lines.join("\n");
}
