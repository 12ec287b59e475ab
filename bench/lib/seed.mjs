// Seeding through the D1 binding Miniflare exposes: fast multi-row inserts straight into
// the tables, keeping the workshop's counters consistent with what was inserted.
import { createHmac } from "node:crypto";
import { APP_BINDINGS } from "../../test/support/local-worker.mjs";

/**
 * A registration link as the app signs it (src/lib/signed.ts, src/registrations/tokens.ts):
 * `reg.<id>.<expiry, base-36 seconds>.<first 20 bytes of HMAC-SHA-256, base64url>`.
 */
export function registrationLink(id, expiresAtMs, secret = APP_BINDINGS.TOKEN_SECRET) {
  const body = `reg.${id}.${Math.floor(expiresAtMs / 1000).toString(36)}`;
  const mac = createHmac("sha256", secret).update(body).digest().subarray(0, 20);
  return `${body}.${mac.toString("base64url")}`;
}

export async function seedRegistrations(db, workshopId, count, capacity) {
  const now = Date.now();
  const rows = [];
  for (let i = 0; i < count; i++) {
    const seated = i < capacity;
    rows.push([
      `reg_seed_${workshopId}_${i}`,
      workshopId,
      `seed${i}.${workshopId}@bench.example`,
      `Seeded Person ${i}`,
      "{}",
      "en",
      seated ? "confirmed" : "waitlisted",
      seated ? null : i - capacity + 1,
      "public",
      now - (count - i) * 1000,
    ]);
  }
  // D1 allows 100 bound parameters per statement: 10 rows of 10, 100 statements a batch.
  const statements = [];
  for (let i = 0; i < rows.length; i += 10) {
    const chunk = rows.slice(i, i + 10);
    const placeholders = chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ");
    statements.push(
      db
        .prepare(
          `INSERT INTO registrations (id, workshop_id, email, name, answers, language, status, waitlist_position, source, created_at) VALUES ${placeholders}`,
        )
        .bind(...chunk.flat()),
    );
  }
  for (let i = 0; i < statements.length; i += 100) await db.batch(statements.slice(i, i + 100));
  const seated = Math.min(count, capacity);
  await db
    .prepare("UPDATE workshops SET confirmed_count = ?, waitlist_seq = ? WHERE id = ?")
    .bind(seated, Math.max(0, count - capacity), workshopId)
    .run();
}

/** N active subscribers (no topics), 10 rows a statement, 100 statements a batch. */
export async function seedSubscribers(db, count, prefix = "reader") {
  const now = Date.now();
  const statements = [];
  for (let i = 0; i < count; i += 10) {
    const rows = [];
    for (let j = i; j < Math.min(count, i + 10); j++) {
      rows.push([
        `sub_${prefix}_${String(j).padStart(7, "0")}`,
        `${prefix}${j}@bench.example`,
        `Reader ${j}`,
        j % 3 === 0 ? "ar" : "en",
        "active",
        "import",
        now,
      ]);
    }
    statements.push(
      db
        .prepare(
          `INSERT INTO subscribers (id, email, name, language, status, consent_source, consent_at) VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
        )
        .bind(...rows.flat()),
    );
  }
  for (let i = 0; i < statements.length; i += 100) await db.batch(statements.slice(i, i + 100));
}

/**
 * `count` registrations waiting for their verification, each with the signed link a
 * verification email would carry: the tokens, for POST …/registrations/{token}/verify.
 */
export async function seedPendingRegistrations(db, workshopId, count) {
  const now = Date.now();
  const tokens = [];
  const statements = [];
  for (let i = 0; i < count; i += 10) {
    const regs = [];
    for (let j = i; j < Math.min(count, i + 10); j++) {
      const id = `reg_pending_${workshopId}_${j}`;
      tokens.push(registrationLink(id, now + 60 * 86_400_000));
      regs.push([id, workshopId, `pending${j}.${workshopId}@bench.example`, `Pending ${j}`, now]);
    }
    statements.push(
      db
        .prepare(
          `INSERT INTO registrations (id, workshop_id, email, name, answers, language, status, source, created_at) VALUES ${regs.map(() => "(?, ?, ?, ?, '{}', 'en', 'pending_verification', 'public', ?)").join(", ")}`,
        )
        .bind(...regs.flat()),
    );
  }
  for (let i = 0; i < statements.length; i += 100) await db.batch(statements.slice(i, i + 100));
  return tokens;
}
