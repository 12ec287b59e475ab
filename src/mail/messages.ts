// What travels on the mail queue: identifiers only, never personal data. The D1 outbox
// row is the source of truth; a message is a nudge to work on it.
export type MailQueueMessage = { kind: "email"; emailId: string };
