// Pieces of the public workshop pages: when, where, and how many places.
import { dictionary, fill, type Lang } from "../i18n";
import { formatRange } from "../lib/time";
import { type SeatState, seatState } from "./service";
import type { AttendanceMode, Workshop } from "./types";
import { locationText } from "./types";
import { hasLocation, hiddenLocationNote, placeFor, showsLocation } from "./venue";

/** A pool's name in `lang`: "In person", "Online". */
export function modeLabel(mode: AttendanceMode, lang: Lang): string {
  const t = dictionary(lang).ui;
  return mode === "online" ? t.modeOnline : t.modeInPerson;
}

export function seatLabel(
  state: SeatState,
  lang: Lang,
  workshop: Workshop,
): { text: string; tone: "ok" | "warn" | "danger" } {
  const t = dictionary(lang).ui;
  switch (state.kind) {
    case "places_left":
      return state.few ? { text: t.seatsFew, tone: "warn" } : { text: t.seatsOpen, tone: "ok" };
    case "waitlist_open":
      return { text: t.waitlistOpen, tone: "warn" };
    case "full":
      return { text: t.full, tone: "danger" };
    case "closed": {
      const text = {
        cancelled: t.cancelled,
        invitation_only: t.invitationOnly,
        closed: t.closed,
        not_yet_open: fill(t.notYetOpen, {
          date: workshop.registrationOpensAt
            ? formatRange(
                workshop.registrationOpensAt,
                workshop.registrationOpensAt,
                workshop.timezone,
                lang,
              ).split(" – ")[0]!
            : "",
        }),
      }[state.reason];
      return { text, tone: state.reason === "cancelled" ? "danger" : "warn" };
    }
  }
}

/**
 * When and where, as `seated` (someone who holds a seat) or the public sees it at `now`: a
 * private place shows only to seated people once it is revealed, and everyone else reads
 * why not, and when it comes.
 */
export function WhenWhere({
  workshop: shared,
  lang,
  seated = false,
  mode = null,
  now,
}: {
  workshop: Workshop;
  lang: Lang;
  seated?: boolean;
  /** The viewer's pool in a hybrid workshop: which place (the room, the link) is theirs. */
  mode?: AttendanceMode | null;
  now: Date;
}) {
  const t = dictionary(lang).ui;
  const workshop = placeFor(shared, { seated, mode });
  const place = locationText(workshop, lang);
  return (
    <dl class="facts">
      <dt>{t.when}</dt>
      <dd>
        <time datetime={workshop.startsAt.toISOString()}>
          {formatRange(workshop.startsAt, workshop.endsAt, workshop.timezone, lang)}
        </time>
        <span
          class="muted block"
          hidden
          data-local-time=""
          data-start={workshop.startsAt.toISOString()}
          data-end={workshop.endsAt.toISOString()}
          data-zone={workshop.timezone}
          data-label={t.yourTime}
        />
      </dd>
      {workshop.attendance === "hybrid" ? (
        <>
          <dt>{t.attendance}</dt>
          <dd>{mode ? modeLabel(mode, lang) : t.attendanceHybrid}</dd>
        </>
      ) : null}
      {hasLocation(workshop) ? (
        <>
          <dt>{t.where}</dt>
          <dd>
            {showsLocation(workshop, seated, now) ? (
              <>
                {place ? <span class="block">{place}</span> : null}
                {workshop.onlineUrl ? (
                  <span class="block">
                    {t.online}: <a href={workshop.onlineUrl}>{workshop.onlineUrl}</a>
                  </span>
                ) : null}
              </>
            ) : (
              <>
                {workshop.venueCity ? <span class="block">{workshop.venueCity}</span> : null}
                <span class="muted block">{hiddenLocationNote(workshop, seated, now, lang)}</span>
              </>
            )}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

export function SeatBadge({ workshop, lang, now }: { workshop: Workshop; lang: Lang; now?: Date }) {
  const label = seatLabel(seatState(workshop, now), lang, workshop);
  return <span class={`badge ${label.tone}`}>{label.text}</span>;
}
