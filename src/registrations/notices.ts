// Builds the email for a notice: wording in the recipient's language, a signed link token
// (src/registrations/tokens.ts), a check-in QR code and a calendar file where they belong.
// Returns the statements to run in the caller's batch, so the email is written together
// with the change it announces. Nothing is rendered here: the outbox row
// says what to render (the notice template, its props, this recipient's name, links and
// check-in code), and the queue consumer renders it.
import { and, eq, isNull, type SQL } from "drizzle-orm";
import { templateEmail } from "../../emails";
import type { Db, Statement } from "../db/client";
import { registrations, type SlotValue } from "../db/schema";
import { dictionary, fill, type Lang, type NoticeKind } from "../i18n";
import { type CalendarEvent, calendarFile } from "../lib/ics";
import { plainSummary } from "../lib/text";
import { formatRange } from "../lib/time";
import type { EmailToSend, Mailer } from "../mail/outbox";
import { calendarAttachment, placeholder } from "../mail/render";
import type { Settings } from "../services";
import { workshopKeyName } from "../vault/keys";
import { customText, textParagraphs } from "../workshops/email-texts";
import {
  type AttendanceMode,
  contactText,
  locationText,
  splitAround,
  type Workshop,
} from "../workshops/types";
import {
  hasLocation,
  hiddenLocationNote,
  placeFor,
  showsLocation,
  venueRevealAt,
} from "../workshops/venue";
import type { RegistrationStatus } from "./status";
import { checkinTokenExpiry, linkToken, registrationTokenExpiry } from "./tokens";

export interface Recipient {
  /** Registration id, or invitation id for invitation notices. */
  id: string;
  email: string;
  /** The address's index under the workshop's key, from the row: erasure finds the email by it. */
  emailIndex?: string | null;
  name: string;
  language: Lang;
  /**
   * Holds a seat (confirmed, attended), read with the recipients: a workshop-wide notice
   * (the time or place changed) shows the place to these alone.
   */
  seated?: boolean;
  /** Their pool in a hybrid workshop (null elsewhere): which place they are told. */
  mode?: AttendanceMode | null;
  /**
   * The confirm link of a newsletter subscription asked for with this registration: the
   * email carries it as an extra step, so the person gets one email, not two.
   */
  subscriptionLink?: string | null;
}

/** The notice a status change announces to the participant. */
export const NOTICE_FOR: Partial<Record<RegistrationStatus, NoticeKind>> = {
  confirmed: "confirmed",
  waitlisted: "waitlisted",
  pending_approval: "pending_approval",
  rejected: "rejected",
  cancelled: "cancelled",
};

/** Notices that only ever go to people who hold a seat. */
const TO_SEATED: readonly NoticeKind[] = ["confirmed", "promoted", "reminder", "venue"];
const WITH_CHECKIN: readonly NoticeKind[] = ["confirmed", "promoted", "reminder"];
const WITH_CALENDAR: readonly NoticeKind[] = ["confirmed", "promoted", "workshop_updated", "venue"];
const WITH_CANCEL_CALENDAR: readonly NoticeKind[] = ["cancelled", "workshop_cancelled"];
const INVITATION_KINDS: readonly NoticeKind[] = ["invitation", "invitation_reminder"];
const NO_LINK: readonly NoticeKind[] = [
  "rejected",
  "cancelled",
  "workshop_cancelled",
  "invitation_cancelled",
];

/**
 * Whether this recipient holds a seat as far as the place goes: the notice says so, or the
 * recipient was read with its seat. A waitlisted or pending person hears that the time or
 * place changed, not where it now is; a cancellation has no use for the place.
 */
function holdsSeat(recipient: Recipient, kind: NoticeKind): boolean {
  if (WITH_CANCEL_CALENDAR.includes(kind)) return false;
  return TO_SEATED.includes(kind) || recipient.seated === true;
}

/**
 * A registration's calendar event. Calendars are shared, synced and published, so it links
 * only to the public workshop page: never to the manage link (which can cancel) or any
 * other link that acts on someone's behalf.
 */
function registrationEvent(
  workshop: Workshop,
  registration: { id: string; language: Lang },
  appUrl: string,
  options: {
    cancelled?: boolean;
    seated: boolean;
    now: Date;
    /** The agenda as this person may see it, as text (src/workshops/agenda-view.tsx). */
    agenda?: string;
  },
): CalendarEvent {
  const base = appUrl.replace(/\/$/, "");
  const page = `${base}/workshops/${workshop.slug}?lang=${registration.language}`;
  const shown = showsLocation(workshop, options.seated, options.now);
  const location = shown
    ? [locationText(workshop, registration.language), workshop.onlineUrl]
        .filter(Boolean)
        .join(" · ")
    : null;
  // A seat whose place is still to come says when it comes.
  const note =
    !shown && options.seated && hasLocation(workshop)
      ? hiddenLocationNote(workshop, true, options.now, registration.language)
      : null;
  return {
    uid: `${registration.id}@${new URL(base).host}`,
    sequence: workshop.calendarSequence,
    title: workshop.title,
    description: [note, options.agenda, page].filter(Boolean).join("\n\n"),
    start: workshop.startsAt,
    end: workshop.endsAt,
    location,
    url: page,
    cancelled: options.cancelled || workshop.status === "cancelled",
  };
}

/** A registration's calendar file (the participant's page serves it). */
export function registrationCalendar(
  workshop: Workshop,
  registration: { id: string; language: Lang; mode: AttendanceMode | null },
  appUrl: string,
  options: { cancelled?: boolean; seated: boolean; now: Date; agenda?: string },
) {
  const theirs = placeFor(workshop, { seated: options.seated, mode: registration.mode });
  return calendarFile([registrationEvent(theirs, registration, appUrl, options)], {
    method: options.cancelled ? "cancel" : "publish",
  });
}

/** Placeholders of a notice: what differs between its recipients (src/mail/render.ts). */
const NAME = placeholder("NAME");
const LINK = placeholder("LINK");
const CHECKIN_QR = placeholder("CHECKIN_QR");

interface BuiltNotice {
  emailId: string;
  statements: Statement[];
}

/**
 * What a notice is made of besides the workshop: the site's address, the key that signs its
 * links, and the organisation (the invitation names it as the inviter).
 */
export type NoticeLinks = Pick<Settings, "appUrl" | "tokenSecret"> &
  Partial<Pick<Settings, "brand">>;

/** The invitation says what the workshop is about: its description's opening, this long. */
const ABOUT_MAX = 300;

/**
 * The default invitation's own lines: who invites (the workshop's contact, else the
 * organisation), where (the city, only where the venue may be shown) and what about.
 */
function invitationLines(
  workshop: Workshop,
  lang: Lang,
  brand: NoticeLinks["brand"],
  withLocation: boolean,
) {
  const labels = dictionary(lang).emails;
  const inviter = workshop.contactName || brand?.name[lang] || dictionary(lang).ui.siteName;
  const city = withLocation && workshop.venueCity ? workshop.venueCity : null;
  const about = plainSummary(workshop.description.split(/\n\s*\n/)[0] ?? "", ABOUT_MAX);
  return {
    inviter,
    extra: [
      city ? fill(labels.invitationWhere, { city }) : null,
      about ? fill(labels.invitationAbout, { about }) : null,
    ].filter((p): p is string => p !== null),
  };
}

/**
 * The body's paragraphs: the organiser's own text for this email and language where there is
 * one (src/workshops/email-texts.ts), else the default wording. The name stays a placeholder.
 */
function noticeParagraphs(
  workshop: Workshop,
  recipient: Recipient,
  kind: NoticeKind,
  brand: NoticeLinks["brand"],
  place: { when: string; withLocation: boolean; seated: boolean; now: Date },
): string[] {
  const lang = recipient.language;
  const custom = customText(workshop.emailTexts, lang, kind);
  if (custom)
    return textParagraphs(custom, {
      name: NAME,
      title: workshop.title,
      date: place.when,
      venue: venueWords(workshop, lang, place),
    });
  const wording = dictionary(lang).notices[kind];
  if (kind !== "invitation")
    return wording.paragraphs.map((p) => fill(p, { name: NAME, title: workshop.title }));
  const { inviter, extra } = invitationLines(workshop, lang, brand, place.withLocation);
  const [greeting, ...rest] = wording.paragraphs.map((p) =>
    fill(p, { name: NAME, title: workshop.title, inviter }),
  );
  return [greeting!, ...extra, ...rest];
}

/** What {venue} says: the place where this recipient may see it, else when it will come. */
function venueWords(
  workshop: Workshop,
  lang: Lang,
  place: { withLocation: boolean; seated: boolean; now: Date },
): string {
  if (!hasLocation(workshop)) return "";
  if (place.withLocation)
    return [locationText(workshop, lang), workshop.onlineUrl].filter(Boolean).join(" · ");
  return hiddenLocationNote(workshop, place.seated, place.now, lang);
}

/**
 * A time-gated place, once it goes out in any email, counts as this participant's reveal:
 * the reveal job (venue-reveal.ts) skips them.
 */
export function venueRevealed(db: Db, registrationId: string, now: Date, onlyIf?: SQL) {
  return db
    .update(registrations)
    .set({ venueSentAt: now })
    .where(and(eq(registrations.id, registrationId), isNull(registrations.venueSentAt), onlyIf));
}

export async function buildNotice(
  db: Db,
  mailer: Mailer,
  links: NoticeLinks,
  workshop: Workshop,
  recipient: Recipient,
  kind: NoticeKind,
  now = new Date(),
  /** Write the email only if this holds when the batch reaches it (the person was just added). */
  onlyIf?: SQL,
): Promise<BuiltNotice> {
  const { email, revealsVenue } = await noticeEmail(links, workshop, recipient, kind, now);
  const statements: Statement[] = [];
  if (revealsVenue) statements.push(venueRevealed(db, recipient.id, now, onlyIf));
  const outbox = onlyIf ? mailer.outboxInsertIf(email, onlyIf) : mailer.outboxInsert(email);
  statements.push(outbox.query);
  return { emailId: outbox.id, statements };
}

/**
 * A notice as it would go to a sample person, without writing anything: the organisers'
 * preview of a workshop's emails (its links lead nowhere: they sign an id no one holds).
 */
export async function previewNotice(
  links: NoticeLinks,
  workshop: Workshop,
  kind: NoticeKind,
  lang: Lang,
  now = new Date(),
): Promise<EmailToSend> {
  const sample: Recipient = {
    id: "preview",
    email: "participant@example.org",
    name: dictionary(lang).emails.sampleName,
    language: lang,
  };
  return (await noticeEmail(links, workshop, sample, kind, now)).email;
}

/** The email of a notice, and whether it shows a time-gated place (it then counts as sent). */
export async function noticeEmail(
  { appUrl, tokenSecret, brand }: NoticeLinks,
  shared: Workshop,
  recipient: Recipient,
  kind: NoticeKind,
  now: Date,
): Promise<{ email: EmailToSend; revealsVenue: boolean }> {
  // The place as this person may see it: their pool's, in a hybrid workshop.
  const workshop = placeFor(shared, {
    seated: holdsSeat(recipient, kind),
    mode: recipient.mode ?? null,
  });
  const base = appUrl.replace(/\/$/, "");
  const words = dictionary(recipient.language);
  const labels = words.emails;
  const wording = words.notices[kind];
  const name = recipient.name || recipient.email;
  // This recipient's values for the placeholders in the props, which are then the same for
  // everyone told the same thing in the same language: the consumer renders them once.
  const slots: Record<string, SlotValue> = { [NAME]: name };

  let url: string | undefined;
  if (!NO_LINK.includes(kind)) {
    const invitation = INVITATION_KINDS.includes(kind);
    const expiry = invitation
      ? new Date(
          Math.min(
            workshop.registrationClosesAt?.getTime() ?? workshop.startsAt.getTime(),
            workshop.startsAt.getTime(),
          ),
        )
      : registrationTokenExpiry(workshop.endsAt, now);
    const token = await linkToken(
      tokenSecret,
      invitation ? "invitation" : "registration",
      recipient.id,
      expiry,
    );
    url = `${base}/${invitation ? "i" : "r"}/${token}`;
    slots[LINK] = url;
  }

  let qr: { html: string; caption: string } | undefined;
  if (WITH_CHECKIN.includes(kind)) {
    const checkin = await linkToken(
      tokenSecret,
      "checkin",
      recipient.id,
      checkinTokenExpiry(workshop.endsAt),
    );
    qr = { html: CHECKIN_QR, caption: labels.checkInCode };
    slots[CHECKIN_QR] = { qr: `${base}/admin/check-in/${checkin}` };
  }

  const seated = holdsSeat(recipient, kind);
  const withLocation = showsLocation(workshop, seated, now);
  const when = formatRange(
    workshop.startsAt,
    workshop.endsAt,
    workshop.timezone,
    recipient.language,
  );
  const details = [{ label: labels.when, value: when }];
  if (workshop.attendance === "hybrid" && recipient.mode)
    details.push({
      label: labels.takingPart,
      value: recipient.mode === "online" ? words.ui.modeOnline : words.ui.modeInPerson,
    });
  const where = locationText(workshop, recipient.language);
  if (withLocation && where) details.push({ label: labels.where, value: where });
  if (withLocation && workshop.onlineUrl)
    details.push({ label: labels.online, value: workshop.onlineUrl });
  if (!withLocation && seated && hasLocation(workshop))
    details.push({
      label: labels.where,
      value: hiddenLocationNote(workshop, true, now, recipient.language),
    });
  const revealsVenue = Boolean(
    withLocation && seated && venueRevealAt(workshop) && hasLocation(workshop),
  );

  const attachments = [];
  if (WITH_CALENDAR.includes(kind) || WITH_CANCEL_CALENDAR.includes(kind)) {
    const cancelled = WITH_CANCEL_CALENDAR.includes(kind);
    const event = registrationEvent(workshop, recipient, base, { cancelled, seated, now });
    attachments.push(
      calendarAttachment("workshop.ics", [event], {
        method: cancelled ? "cancel" : "publish",
        stamp: now,
      }),
    );
  }

  const contact = contactText(workshop);
  const subject = fill(wording.subject, { name, title: workshop.title });
  const email: EmailToSend = {
    to: recipient.email,
    // Once sent, the address is sealed under the workshop's key (src/mail/consumer.ts).
    keyName: workshopKeyName(workshop.id),
    toIndex: recipient.emailIndex ?? null,
    subject,
    kind: `workshop:${kind}`,
    ...templateEmail("notice", {
      props: {
        lang: recipient.language,
        preview: subject,
        heading: wording.heading,
        paragraphs: noticeParagraphs(workshop, recipient, kind, brand, {
          when,
          withLocation,
          seated,
          now,
        }),
        action: url && wording.action ? { label: wording.action, url: LINK } : undefined,
        details,
        qr,
        contact: contact ? { ...splitAround(labels.contactLine), who: contact } : undefined,
        extra: recipient.subscriptionLink
          ? {
              text: labels.subscriptionText,
              label: labels.subscriptionAction,
              url: recipient.subscriptionLink,
            }
          : undefined,
        footnote: kind === "verify" ? labels.notYou : undefined,
        // One reason in the footer: this registration, or the invitation.
        reason: fill(
          INVITATION_KINDS.includes(kind) ? labels.reasonInvited : labels.reasonRegistered,
          {
            title: workshop.title,
          },
        ),
        manage:
          url && !INVITATION_KINDS.includes(kind)
            ? { label: labels.manageRegistration, url: LINK }
            : undefined,
      },
      slots,
      attachments,
    }),
  };
  return { email, revealsVenue };
}
