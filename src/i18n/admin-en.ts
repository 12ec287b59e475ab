// Every word the organisers' pages (/admin, /api/v1/docs) say, in English. Like the public
// dictionary (./en.ts), this one declares the shape (AdminDictionary is `typeof adminEn`):
// every other language's admin dictionary must have exactly these keys, or it does not
// compile, and test/admin-i18n.test.ts checks the {placeholders} and that nothing was left
// in English. One section per area; add a string to this file and to ./admin-ar.ts
// together (docs/languages.md, "Adding an admin string").

export const adminEn = {
  /** The frame of every admin page: menu, language switch, footer. */
  layout: {
    organisers: "Organisers",
    organisersArea: "Organisers' area",
    dashboard: "Dashboard",
    workshops: "Workshops",
    reports: "Reports",
    subscribers: "Subscribers",
    suppressions: "Suppressions",
    people: "People",
    dataKeys: "Data keys",
    organiserAccounts: "Organisers",
    apiTokens: "API tokens",
    mailbox: "Mailbox",
    auditLog: "Audit log",
    apiReference: "API reference",
    signOut: "Sign out ({name})",
    languageSwitch: "Language of the organisers' pages",
  },
  /** Each language by its name in this one (a report's versions, a workshop's language). */
  languageNames: { en: "English", ar: "Arabic" },
  /** Words many pages share. */
  common: {
    save: "Save",
    cancel: "Cancel",
    back: "Back",
    delete: "Delete",
    search: "Search",
    yes: "Yes",
    no: "No",
    none: "None",
    edit: "Edit",
    name: "Name",
    email: "Email",
    affiliation: "Affiliation",
    status: "Status",
    role: "Role",
    created: "Created",
    actions: "Actions",
    language: "Language",
    notes: "Notes",
    title: "Title",
    when: "When",
    next: "Next",
    previous: "Previous",
    newer: "Newer",
    older: "Older",
    more: "More",
    erased: "(erased)",
    backToDashboard: "Back to the dashboard",
    signIn: "Sign in",
    listSeparator: ", ",
  },
  /** Error pages under /admin: titles by HTTP status, and what to do next. */
  errors: {
    s400: "Malformed request",
    s401: "Not signed in",
    s403: "Not allowed",
    s404: "Page not found",
    s405: "Method not allowed",
    s409: "Conflict",
    s413: "Body too large",
    s415: "Unsupported content type",
    s422: "Invalid fields",
    s429: "Too many requests",
    s500: "Something went wrong",
    s503: "Service unavailable",
    other: "Error",
    notFoundText: "There is nothing at this address, or it is not yours to see.",
    errorText: "The request could not be completed.",
  },
  /** Sign-in pages, before an organiser is known. */
  signIn: {
    title: "Sign in",
    sent: "If an active organiser account uses that address, a sign-in link is on its way. It works once, for 15 minutes.",
    emailLabel: "Email",
    emailInvalid: "Enter an email address.",
    sendLink: "Email me a sign-in link",
    tokenHeading: "Or use the admin token",
    tokenHint:
      "The owner-level ADMIN_TOKEN from the Worker's secrets (in development, from .dev.vars).",
    tokenLabel: "Admin token",
    tokenButton: "Sign in with the token",
    tooManyTitle: "Too many sign-in attempts",
    tooMany:
      "Too many sign-in attempts from your network or for this address. Wait a minute, then try again.",
    wrongToken: "That is not the admin token.",
    continue: "Continue to the organisers' area.",
    button: "Sign in",
    linkExpired: "This sign-in link has expired or was already used.",
    askNewLink: "Ask for a new link",
  },
  /** The dashboard (/admin). */
  dashboard: {
    title: "Dashboard",
    signedInAs: "Signed in as {name} ({role}).",
    upcoming: "Upcoming workshops",
    noUpcoming: "No published workshops coming up.",
    workshop: "Workshop",
    awaitingApproval: "Awaiting approval",
    confirmed: "Confirmed",
    waitlisted: "Waitlisted",
    checkedIn: "Checked in",
    pages: "Pages",
    manage: "Manage",
    door: "Door",
    email: "Email",
    mailCounts: "{queued} queued · {sent} sent · {failed} failed",
    organisers: "Organisers",
    accounts: "{n} accounts",
    manageOrganisers: "Manage organisers",
    api: "API",
    apiTokens: "API tokens",
    reference: "Reference",
    viaResend: "Mail goes through Resend.",
    viaDevMailbox: "Development: mail goes to the dev mailbox.",
    mailHeld:
      "Mail is held and nothing is being sent: RESEND_API_KEY is not set, and APP_URL is not a local address, so the dev mailbox is off. Set the key ({command}) and queued mail goes out within minutes.",
  },
  /** Roles, as the pages name them. */
  roles: { owner: "owner", organiser: "organiser", door: "door staff" },
};

export type AdminDictionary = typeof adminEn;
