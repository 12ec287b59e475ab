// Cron: each trigger runs its jobs, each job on its own so one failure does not stop the
// others. Every job is idempotent, because triggers can overlap or fire twice.
import { sweepDistributions } from "../distributions/sweeper";
import type { Env } from "../env";
import { sendFeedbackRequests } from "../feedback/send";
import { expireInvitations, sendInvitationReminders } from "../invitations/reminders";
import { resumeStalledEmails } from "../mail/outbox";
import { mailRoute } from "../mail/transports";
import { purgeExpiredCredentials } from "../organisers/sign-in";
import {
  purgeExpiredPersonalData,
  purgeOldEmails,
  purgeOldMailboxAndWebhooks,
} from "../people/retention";
import { sealLegacyRows } from "../people/seal-legacy";
import { sendEventReminders } from "../registrations/reminders";
import { sendVenueReveals } from "../registrations/venue-reveal";
import { purgeEndedEmbargoes } from "../reports/service";
import { createServices, type Services } from "../services";
import { hashUnhashedSuppressions } from "../subscribers/suppression";

/** `now` is the trigger's scheduled time, so a late or repeated run acts as the planned one. */
type Job = { name: string; run: (svc: Services, now: Date) => Promise<unknown> };

export const MINUTELY = "* * * * *";
export const FREQUENT = "*/5 * * * *";
export const DAILY = "30 3 * * *";

/** Which jobs each cron expression in wrangler.toml runs. */
export const SCHEDULE: Record<string, Job[]> = {
  [MINUTELY]: [
    {
      name: "resume-stalled-emails",
      // Held mail is not resumed: nothing could send it yet.
      run: ({ db, queue, settings }, now) =>
        mailRoute(settings.mail) === "held"
          ? Promise.resolve(0)
          : resumeStalledEmails(db, queue, now.getTime()),
    },
    {
      name: "distributions",
      run: (svc, now) =>
        mailRoute(svc.settings.mail) === "held" ? Promise.resolve() : sweepDistributions(svc, now),
    },
    // Suppressions from before the list was hashed: every minute, so none waits long.
    { name: "hash-suppressions", run: ({ db, vault }) => hashUnhashedSuppressions(db, vault) },
    { name: "embargo-ends", run: (svc, now) => purgeEndedEmbargoes(svc, now) },
    // Rows from before the vault: sealed a batch a minute until none is left.
    { name: "seal-legacy-rows", run: (svc) => sealLegacyRows(svc) },
  ],
  [FREQUENT]: [
    {
      name: "event-reminders",
      run: (svc, now) => sendEventReminders(svc, now),
    },
    { name: "venue-reveals", run: (svc, now) => sendVenueReveals(svc, now) },
    {
      name: "invitation-reminders",
      run: (svc, now) => sendInvitationReminders(svc, now),
    },
    { name: "expire-invitations", run: ({ db }, now) => expireInvitations(db, now) },
    { name: "feedback-surveys", run: (svc, now) => sendFeedbackRequests(svc, now) },
  ],
  [DAILY]: [
    { name: "purge-expired-credentials", run: ({ db }, now) => purgeExpiredCredentials(db, now) },
    { name: "purge-personal-data", run: (svc, now) => purgeExpiredPersonalData(svc, now) },
    { name: "purge-old-emails", run: ({ db }, now) => purgeOldEmails(db, now) },
    {
      name: "purge-old-mailbox-and-webhooks",
      run: ({ db }, now) => purgeOldMailboxAndWebhooks(db, now),
    },
  ],
};

export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const jobs = SCHEDULE[controller.cron];
  if (!jobs) {
    console.warn("no jobs for cron", controller.cron);
    return;
  }
  const now = new Date(controller.scheduledTime);
  const svc = createServices(env, { now: () => now });
  const results = await Promise.allSettled(jobs.map((job) => job.run(svc, now)));
  results.forEach((result, i) => {
    if (result.status === "rejected")
      console.error("cron job failed", jobs[i]!.name, result.reason);
  });
  const failed = results.filter((r) => r.status === "rejected").length;
  if (failed > 0) throw new Error(`${failed} cron job(s) failed`);
}
