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
import { formatRange } from "../lib/time";
import type { EmailToSend, Mailer } from "../mail/outbox";
import { calendarAttachment, placeholder } from "../mail/render";
import type { Settings } from "../services";
import { workshopKeyName } from "../vault/keys";
import { contactText, locationText, splitAround, type Workshop } from "../workshops/types";
import { hasLocation, hiddenLocationNote, showsLocation, venueRevealAt } from "../workshops/venue";
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
  /**
   * The confirm link of a newsletter subscription asked for with this registration: the
   * email carries it as an extra step, so the person gets one email, not two.
   */
  subscriptionLink?: string | null;
}

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
  options: { cancelled?: boolean; seated: boolean; now: Date },
): CalendarEvent {
  const base = appUrl.replace(/\/$/, "");
  const page = `${base}/workshops/${workshop.slug}?lang=${registration.language}`;
  const shown = showsLocation(workshop, options.seated, options.now);
  const location = shown
    ? [locationText(workshop), workshop.onlineUrl].filter(Boolean).join(" · ")
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
    description: [note, page].filter(Boolean).join("\n\n"),
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
  registration: { id: string; language: Lang },
  appUrl: string,
  options: { cancelled?: boolean; seated: boolean; now: Date },
) {
  return calendarFile([registrationEvent(workshop, registration, appUrl, options)], {
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

/** What a notice's links are made of: the site's address, and the key that signs them. */
export type NoticeLinks = Pick<Settings, "appUrl" | "tokenSecret">;

export async function buildNotice(
  db: Db,
  mailer: Mailer,
  { appUrl, tokenSecret }: NoticeLinks,
  workshop: Workshop,
  recipient: Recipient,
  kind: NoticeKind,
  now = new Date(),
  /** Write the email only if this holds when the batch reaches it (the person was just added). */
  onlyIf?: SQL,
): Promise<BuiltNotice> {
  const base = appUrl.replace(/\/$/, "");
  const words = dictionary(recipient.language);
  const labels = words.emails;
  const wording = words.notices[kind];
  const name = recipient.name || recipient.email;
  const statements: BuiltNotice["statements"] = [];
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
  const details = [
    {
      label: labels.when,
      value: formatRange(workshop.startsAt, workshop.endsAt, workshop.timezone, recipient.language),
    },
  ];
  const where = locationText(workshop);
  if (withLocation && where) details.push({ label: labels.where, value: where });
  if (withLocation && workshop.onlineUrl)
    details.push({ label: labels.online, value: workshop.onlineUrl });
  if (!withLocation && seated && hasLocation(workshop))
    details.push({
      label: labels.where,
      value: hiddenLocationNote(workshop, true, now, recipient.language),
    });
  // A time-gated place, once it goes out in any email, counts as this participant's reveal:
  // the reveal job (venue-reveal.ts) skips them.
  if (withLocation && seated && venueRevealAt(workshop) && hasLocation(workshop))
    statements.push(
      db
        .update(registrations)
        .set({ venueSentAt: now })
        .where(and(eq(registrations.id, recipient.id), isNull(registrations.venueSentAt))),
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

  const values = { name: NAME, title: workshop.title };
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
        paragraphs: wording.paragraphs.map((p) => fill(p, values)),
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
  const outbox = onlyIf ? mailer.outboxInsertIf(email, onlyIf) : mailer.outboxInsert(email);
  statements.push(outbox.query);
  return { emailId: outbox.id, statements };
}
