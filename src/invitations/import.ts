// Invitees from JSON or CSV, validated as a whole: one bad row means nothing is imported,
// and every bad row is reported by number.
import { z } from "@hono/zod-openapi";
import { PARTICIPANT_ROLES } from "../db/schema";
import { parseCsv } from "../lib/csv";
import type { FieldError } from "../lib/errors";
import type { Invitee } from "./service";

export const InviteeSchema = z
  .object({
    email: z.email("Not a valid email address."),
    name: z.string().trim().max(200, "The name is longer than 200 characters.").optional(),
    affiliation: z
      .string()
      .trim()
      .max(200, "The affiliation is longer than 200 characters.")
      .optional(),
    role: z
      .enum(PARTICIPANT_ROLES, {
        message: `The role must be one of ${PARTICIPANT_ROLES.join(", ")}.`,
      })
      .optional(),
  })
  .strict()
  .openapi("Invitee");

export const MAX_INVITEES = 5000;

export function validateInvitees(
  rows: unknown[],
  pathPrefix: string,
): { invitees: Invitee[]; errors: FieldError[] } {
  const invitees: Invitee[] = [];
  const errors: FieldError[] = [];
  if (rows.length > MAX_INVITEES)
    errors.push({ path: pathPrefix, message: `At most ${MAX_INVITEES} invitees at once.` });
  rows.forEach((row, i) => {
    const parsed = InviteeSchema.safeParse(row);
    if (parsed.success) invitees.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        errors.push({
          path: `${pathPrefix}.${i + 1}.${issue.path.join(".")}`,
          message: issue.message,
        });
  });
  return { invitees, errors };
}

/**
 * CSV: email (required), name, affiliation, role, with or without a header line. Rows are
 * numbered from 1; `lines` gives the line of the text each row starts on, for people.
 */
export function inviteesFromCsv(text: string): {
  invitees: Invitee[];
  errors: FieldError[];
  lines: number[];
} {
  // A pasted list without a header line ("amal@example.org,Amal Saleh,…") gets the
  // documented column order.
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const headerless = firstLine.includes("@") && !/(^|,)\s*email\s*(,|$)/i.test(firstLine);
  const parsed = parseCsv(headerless ? `email,name,affiliation,role\n${text}` : text);
  if (!parsed.header.includes("email"))
    return {
      invitees: [],
      errors: [{ path: "csv", message: "The first line must be a header with an email column." }],
      lines: [],
    };
  const rows = parsed.rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).filter(
        ([k, v]) => ["email", "name", "affiliation", "role"].includes(k) && v !== "",
      ),
    ),
  );
  const result = validateInvitees(rows, "rows");
  return {
    invitees: result.invitees,
    errors: [
      ...parsed.errors.map((e) => ({ path: `rows.${e.row}`, message: e.message })),
      ...result.errors,
    ],
    // The header added above is no line of the organiser's text.
    lines: parsed.lines.map((n) => (headerless ? n - 1 : n)),
  };
}
