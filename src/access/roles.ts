// Roles and what each may do, as data. Every permission check in the app reads this table.
import type { Lang } from "../i18n";

export const ROLES = ["owner", "organiser", "door"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  /** Add organisers, change roles, disable accounts. */
  "organisers.manage": ["owner"],
  /** The audit log: who did what, to which workshop, when (/admin/audit, /api/v1/audit). */
  "audit.read": ["owner"],
  /** Create and revoke one's own API tokens. */
  "tokens.own": ["owner", "organiser", "door"],
  /** See and revoke everybody's API tokens. */
  "tokens.all": ["owner"],
  /**
   * The dev mailbox holds every email the app sent locally (invitations, confirmations):
   * owners only, and even they never see another person's sign-in link.
   */
  "mailbox.read": ["owner"],
  /**
   * Look an address up across everything (subscriber, registrations and invitations at every
   * workshop, deliveries, emails), export it, erase it everywhere: past any workshop's team.
   */
  "people.manage": ["owner"],
  /**
   * The data keys (src/vault/): destroy a workshop's key before its retention period ends,
   * and re-wrap every key under a new DATA_KEY.
   */
  "vault.manage": ["owner"],
  /**
   * The suppression list: see why and since when each address index is on it, look an
   * address up, add one by hand, lift an entry with a reason; reactivate a bounced or
   * complained subscriber once lifted. Lifting lets email reach an address again, and the
   * sending reputation is the organisation's: owners only.
   */
  "suppressions.manage": ["owner"],
  "workshops.manage": ["owner", "organiser"],
  /** Attendee names, emails, affiliations: lists and exports. */
  "attendees.read": ["owner", "organiser"],
  /** Find a registration at the door and check it in. */
  checkin: ["owner", "organiser", "door"],
  "dashboard.view": ["owner", "organiser", "door"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Who is acting: resolved once per request from a bearer token or the session cookie. */
export interface Actor {
  via: "admin_token" | "api_token" | "session";
  role: Role;
  /** null for the built-in owner behind ADMIN_TOKEN. */
  organiserId: string | null;
  name: string;
  email: string | null;
  sessionId?: string;
  tokenId?: string;
  /**
   * The language of an organiser's admin pages, their own choice (organisers.language);
   * absent for the built-in owner, whose choice is a cookie (src/http/admin-lang.ts).
   */
  language?: Lang;
  /**
   * For the built-in owner: the fingerprint of the ADMIN_TOKEN it was authenticated under
   * (src/organisers/service.ts). Sessions and API tokens it opens carry it, and stop working
   * when ADMIN_TOKEN is rotated.
   */
  adminFingerprint?: string;
}
