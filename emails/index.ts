// The templates the queue consumer renders, by the name an outbox email records. Each takes
// plain, JSON-safe props (they are stored in the outbox row), so rendering needs nothing but
// the row. Adding a template: write it here, and record emails with its name.
import type { EmailContent } from "../src/db/schema";
import FeedbackEmail, { type FeedbackEmailProps } from "./feedback";
import NoticeEmail, { type NoticeEmailProps } from "./notice";
import ReportEmail, { type ReportEmailProps } from "./report";
import SignInEmail, { type SignInEmailProps } from "./sign-in";

export const TEMPLATES = {
  feedback: FeedbackEmail,
  notice: NoticeEmail,
  report: ReportEmail,
  "sign-in": SignInEmail,
} as const;

export type TemplateName = keyof typeof TEMPLATES;

interface PropsOf {
  feedback: FeedbackEmailProps;
  notice: NoticeEmailProps;
  report: ReportEmailProps;
  "sign-in": SignInEmailProps;
}

/** What an outbox email is rendered from, checked against its template's props. */
export function templateEmail<N extends TemplateName>(
  template: N,
  content: EmailContent & { props: PropsOf[N] },
): { template: N; content: EmailContent } {
  return { template, content };
}
