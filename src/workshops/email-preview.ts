// The organisers' preview of a workshop's emails with the texts as typed, before anything is
// saved: the form's input laid over the workshop (or a new one), the notice built as for a
// sample participant and rendered as the queue consumer would. Nothing is written.
import { TEMPLATES } from "../../emails";
import { emailBrand } from "../brand/brand";
import type { Lang } from "../i18n";
import { renderContent } from "../mail/render";
import { previewNotice } from "../registrations/notices";
import type { Settings } from "../services";
import type { CustomTextKind } from "./email-texts";
import type { CreateWorkshopInput } from "./schemas";
import { columnsFrom } from "./service";
import type { Workshop } from "./types";

export interface EmailPreview {
  kind: CustomTextKind;
  lang: Lang;
  subject: string;
  html: string;
}

/** A workshop not yet created, as far as an email needs one. */
function newWorkshop(now: Date): Workshop {
  return {
    id: "preview",
    slug: "preview",
    title: "",
    description: "",
    startsAt: now,
    endsAt: now,
    timezone: "UTC",
    venueName: null,
    venueAddress: null,
    venueCity: null,
    onlineUrl: null,
    locationPrivate: false,
    venueRevealHours: null,
    venueRevealedAt: null,
    contactName: null,
    contactEmail: null,
    attendance: "in_person",
    capacity: null,
    onlineCapacity: null,
    waitlist: true,
    registrationMode: "open",
    requireVerification: true,
    registrationOpensAt: null,
    registrationClosesAt: null,
    language: "en",
    questions: [],
    retentionDays: 365,
    reminderHours: null,
    invitationReminderDays: [],
    emailTexts: null,
    confidentiality: null,
    confidentialityRequired: false,
    status: "draft",
    confirmedCount: 0,
    waitlistSeq: 0,
    onlineConfirmedCount: 0,
    onlineWaitlistSeq: 0,
    calendarSequence: 0,
    purgedAt: null,
    createdAt: now,
    updatedAt: null,
  };
}

export async function renderEmailPreview(
  settings: Settings,
  input: CreateWorkshopInput,
  saved: Workshop | null,
  kind: CustomTextKind,
  lang: Lang,
  now = new Date(),
): Promise<EmailPreview> {
  const workshop = { ...(saved ?? newWorkshop(now)), ...columnsFrom(input) } as Workshop;
  const email = await previewNotice(settings, workshop, kind, lang, now);
  const props = { ...(email.content.props as object), brand: emailBrand(settings.brand, lang) };
  const { html } = await renderContent(TEMPLATES, email.template, { ...email.content, props });
  return { kind, lang, subject: email.subject, html };
}
