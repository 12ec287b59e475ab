// Cron: each trigger runs its jobs, each job on its own so one failure does not stop the
// others. Every job is idempotent, because triggers can overlap or fire twice.
import { purgeExpiredPersonalData, purgeOldEmails } from "../attendees/retention";
import { createDb, type Db } from "../db/client";
import { meteredIfOn } from "../db/metering";
import { sweepDistributions } from "../distributions/sweeper";
import type { Env } from "../env";
import { expireInvitations, sendInvitationReminders } from "../invitations/reminders";
import { Mailer, resumeStalledEmails } from "../mail/outbox";
import { purgeExpiredCredentials } from "../organisers/service";
import { sendEventReminders } from "../registrations/reminders";

export interface JobContext {
  db: Db;
  env: Env;
  mailer: Mailer;
  now: Date;
}

type Job = { name: string; run: (ctx: JobContext) => Promise<unknown> };

export const MINUTELY = "* * * * *";
export const FREQUENT = "*/5 * * * *";
export const DAILY = "30 3 * * *";

/** Which jobs each cron expression in wrangler.toml runs. */
export const SCHEDULE: Record<string, Job[]> = {
  [MINUTELY]: [
    {
      name: "resume-stalled-emails",
      run: ({ db, env, now }) => resumeStalledEmails(db, env.MAIL_QUEUE, now.getTime()),
    },
    {
      name: "distributions",
      run: ({ db, env, now }) =>
        sweepDistributions(
          {
            db,
            queue: env.MAIL_QUEUE,
            appUrl: env.APP_URL,
            secret: env.TOKEN_SECRET,
            from: env.MAIL_FROM,
          },
          now,
        ),
    },
  ],
  [FREQUENT]: [
    {
      name: "event-reminders",
      run: ({ db, env, mailer, now }) => sendEventReminders(db, mailer, env.APP_URL, now),
    },
    {
      name: "invitation-reminders",
      run: ({ db, env, mailer, now }) => sendInvitationReminders(db, mailer, env.APP_URL, now),
    },
    { name: "expire-invitations", run: ({ db, now }) => expireInvitations(db, now) },
  ],
  [DAILY]: [
    { name: "purge-expired-credentials", run: ({ db, now }) => purgeExpiredCredentials(db, now) },
    { name: "purge-personal-data", run: ({ db, now }) => purgeExpiredPersonalData(db, now) },
    { name: "purge-old-emails", run: ({ db, now }) => purgeOldEmails(db, now) },
  ],
};

export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const jobs = SCHEDULE[controller.cron];
  if (!jobs) {
    console.warn("no jobs for cron", controller.cron);
    return;
  }
  const db = createDb(meteredIfOn(env));
  const ctx: JobContext = {
    db,
    env,
    mailer: new Mailer(db, env.MAIL_QUEUE),
    now: new Date(controller.scheduledTime),
  };
  const results = await Promise.allSettled(jobs.map((job) => job.run(ctx)));
  results.forEach((result, i) => {
    if (result.status === "rejected")
      console.error("cron job failed", jobs[i]!.name, result.reason);
  });
  const failed = results.filter((r) => r.status === "rejected").length;
  if (failed > 0) throw new Error(`${failed} cron job(s) failed`);
}
