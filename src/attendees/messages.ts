// Organisers email the participants of a workshop by status, through the mail pipeline.
import { and, eq, inArray } from "drizzle-orm";
import { templateEmail } from "../../emails";
import type { Actor } from "../access/roles";
import { auditInsert } from "../audit/service";
import { runBatch } from "../db/client";
import { type REGISTRATION_STATUSES, registrations } from "../db/schema";
import { dictionary, fill } from "../i18n";
import { reachable } from "../lib/forgotten";
import { cleanText } from "../lib/text";
import { placeholder } from "../mail/render";
import { openRecipients, RECIPIENT_COLUMNS } from "../registrations/sealed";
import type { Services } from "../services";
import { workshopKeyName } from "../vault/keys";
import { getWorkshop } from "../workshops/service";

export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

const PER_BATCH = 50;

/**
 * Recorded with one set of props per language and a greeting placeholder: the consumer
 * renders each language once and personalises by substitution, never per recipient.
 */
export async function messageParticipants(
  svc: Services,
  actor: Actor,
  workshopId: string,
  message: { subject: string; body: string; statuses: RegistrationStatus[] },
): Promise<number> {
  const { db, mailer } = svc;
  const workshop = await getWorkshop(db, workshopId);
  const rows = await db
    .select(RECIPIENT_COLUMNS)
    .from(registrations)
    .where(
      and(
        eq(registrations.workshopId, workshopId),
        inArray(registrations.status, message.statuses),
        // Erased or purged people keep their row (and status), not their address.
        reachable(registrations.email),
      ),
    );
  const people = await openRecipients(await svc.vault.workshop(workshopId), rows);
  const keyName = workshopKeyName(workshopId);
  const subject = cleanText(message.subject);
  const paragraphs = cleanText(message.body)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  // The organiser's own greeting ("Dear colleagues,") is the only one: ours would be a second.
  const greeted = opensWithGreeting(paragraphs[0] ?? "");
  const ids: string[] = [];
  for (let i = 0; i < people.length; i += PER_BATCH) {
    const chunk = people.slice(i, i + PER_BATCH).map((p) =>
      mailer.outboxInsert({
        to: p.email,
        keyName,
        toIndex: p.emailIndex,
        subject,
        kind: "workshop:message",
        // The same props for everyone in one language: the consumer renders them once and
        // puts each greeting in place of the placeholder.
        ...templateEmail("notice", {
          props: {
            lang: p.language,
            preview: subject,
            heading: workshop.title,
            paragraphs: greeted ? paragraphs : [GREETING, ...paragraphs],
            reason: fill(dictionary(p.language).emails.reasonRegistered, { title: workshop.title }),
          },
          slots: greeted
            ? {}
            : {
                [GREETING]: fill(dictionary(p.language).emails.messageGreeting, {
                  name: p.name || p.email,
                }),
              },
        }),
      }),
    );
    await runBatch(
      db,
      chunk.map((c) => c.query),
    );
    ids.push(...chunk.map((c) => c.id));
  }
  await auditInsert(db, actor, {
    action: "attendees.message",
    targetType: "workshop",
    targetId: workshopId,
    detail: { recipients: people.length, statuses: message.statuses },
  });
  for (let i = 0; i < ids.length; i += 100) await mailer.enqueue(ids.slice(i, i + 100));
  return people.length;
}

const GREETING = placeholder("GREETING");

/**
 * Words that open a greeting in English or Arabic: "Dear …", "Hello", "Hi", "Good morning",
 * "Greetings", «مرحباً», «السلام عليكم», «عزيزي/عزيزتي/أعزائي», «تحية طيبة», «صباح/مساء الخير».
 */
const GREETING_START =
  /^\s*(dear|hello|hi|hey|greetings|good (morning|afternoon|evening)|مرحب|أهلا|أهلاً|السلام عليكم|عزيز|أعزا|الأعزاء|تحية|تحيّة|صباح الخير|مساء الخير|حضرات|السيدات والسادة)/iu;

/** Whether a message's first paragraph greets its readers already. */
export function opensWithGreeting(paragraph: string): boolean {
  return GREETING_START.test(paragraph);
}
