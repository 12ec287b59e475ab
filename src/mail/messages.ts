// What travels on the mail queue: identifiers only, never personal data. D1 is the source
// of truth; a message is a nudge to work on something recorded there.
export type MailQueueMessage =
  /** One transactional email from the outbox. */
  | { kind: "email"; emailId: string }
  /**
   * One step of preparing a distribution (rendering its email, collecting its audience,
   * numbering chunks).
   */
  | { kind: "distribution-prepare"; distributionId: string }
  /** One chunk (≤ 100 recipients) of a distribution: one provider batch call. */
  | { kind: "distribution-chunk"; distributionId: string; chunk: number };
