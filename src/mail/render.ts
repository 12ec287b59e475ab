// Rendering, done by the queue consumer (never by a request): an outbox email names a
// template and stores what it is rendered from (`EmailContent`); this turns that into the
// HTML part, the plain-text part (derived from the HTML: one React render) and the files.
//
// Emails to many people are rendered once and personalised by substitution: the props are
// the same for every recipient in one language and carry placeholders; `slots` holds this
// recipient's values. A render is kept, per isolate, for the next email with the same props,
// so a reminder to 80 people renders once per language, not 80 times. Everything here is a
// pure function of the stored content: a redelivered message renders the same bytes.
import { render, toPlainText } from "@react-email/render";
import { createElement, type ReactElement } from "react";
import type {
  CalendarAttachmentSpec,
  EmailContent,
  SlotValue,
  StoredAttachment,
} from "../db/schema";
import { type CalendarEvent, calendarFile } from "../lib/ics";
import { qrTable } from "../lib/qr";
import { escapeHtml } from "../lib/text";

export interface RenderedEmail {
  html: string;
  text: string;
}

export interface RenderedParts extends RenderedEmail {
  attachments: StoredAttachment[];
}

/**
 * The templates the consumer renders, by name. Each takes plain, JSON-safe props; the entry
 * points hand the registry (emails/index.ts) to the consumer, so src/mail knows no template.
 */
export type TemplateRegistry = Readonly<Record<string, (props: never) => ReactElement>>;

export async function renderEmail(element: ReactElement): Promise<RenderedEmail> {
  const html = await render(element);
  return { html, text: toPlainText(html) };
}

/**
 * A placeholder for a per-recipient value: invisible separators around an upper-case name,
 * which the plain-text conversion leaves alone (it upper-cases headings).
 */
export function placeholder(name: string): string {
  if (!/^[A-Z0-9_]+$/.test(name)) throw new Error(`placeholder names are A-Z, 0-9, _: ${name}`);
  return `\u2063${name}\u2063`;
}

/** Renders kept for emails with the same template and props; bounded, oldest dropped first. */
const SHARED_RENDERS = new Map<string, Promise<RenderedEmail>>();
const SHARED_RENDERS_MAX = 64;

function sharedRender(
  templates: TemplateRegistry,
  template: string,
  props: unknown,
): Promise<RenderedEmail> {
  const key = `${template}\u0000${JSON.stringify(props)}`;
  const kept = SHARED_RENDERS.get(key);
  if (kept) return kept;
  const rendering = renderTemplate(templates, template, props);
  SHARED_RENDERS.set(key, rendering);
  rendering.catch(() => SHARED_RENDERS.delete(key));
  if (SHARED_RENDERS.size > SHARED_RENDERS_MAX)
    SHARED_RENDERS.delete(SHARED_RENDERS.keys().next().value!);
  return rendering;
}

async function renderTemplate(
  templates: TemplateRegistry,
  template: string,
  props: unknown,
): Promise<RenderedEmail> {
  const component = Object.hasOwn(templates, template) ? templates[template] : undefined;
  if (!component) throw new Error(`no email template named "${template}"`);
  return renderEmail(createElement(component as (props: unknown) => ReactElement, props as object));
}

/** Every placeholder replaced in one pass, so a value is never searched for placeholders. */
function substitute(rendered: RenderedEmail, slots: Record<string, SlotValue>): RenderedEmail {
  const names = Object.keys(slots);
  if (names.length === 0) return rendered;
  const pattern = new RegExp(
    names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
    "g",
  );
  const html = new Map<string, string>();
  const text = new Map<string, string>();
  for (const name of names) {
    const value = slots[name]!;
    html.set(name, typeof value === "string" ? escapeHtml(value) : qrTable(value.qr));
    text.set(name, typeof value === "string" ? value : "");
  }
  return {
    html: rendered.html.replace(pattern, (m) => html.get(m)!),
    text: rendered.text.replace(pattern, (m) => text.get(m)!),
  };
}

/** A calendar file to build at render time, with its DTSTAMP fixed now. */
export function calendarAttachment(
  filename: string,
  events: CalendarEvent[],
  options: { method: CalendarAttachmentSpec["method"]; stamp: Date },
): CalendarAttachmentSpec {
  return {
    filename,
    method: options.method,
    stamp: options.stamp.toISOString(),
    events: events.map((e) => ({
      ...e,
      start: e.start.toISOString(),
      end: e.end.toISOString(),
    })),
  };
}

function buildAttachment(spec: CalendarAttachmentSpec): StoredAttachment {
  const ics = calendarFile(
    spec.events.map((e) => ({ ...e, start: new Date(e.start), end: new Date(e.end) })),
    { method: spec.method, stamp: new Date(spec.stamp) },
  );
  let binary = "";
  for (const byte of new TextEncoder().encode(ics)) binary += String.fromCharCode(byte);
  return { filename: spec.filename, contentType: "text/calendar", content: btoa(binary) };
}

/** An outbox email's parts, from its template and stored content. Throws what the template throws. */
export async function renderContent(
  templates: TemplateRegistry,
  template: string,
  content: EmailContent,
): Promise<RenderedParts> {
  const slots = content.slots ?? {};
  // Without placeholders the props are this recipient's alone (a sign-in link): not kept.
  const rendered =
    Object.keys(slots).length > 0
      ? substitute(await sharedRender(templates, template, content.props), slots)
      : await renderTemplate(templates, template, content.props);
  return { ...rendered, attachments: (content.attachments ?? []).map(buildAttachment) };
}
