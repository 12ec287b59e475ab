// Renders a React Email element to the HTML and plain-text parts every email carries. The
// text part is derived from the rendered HTML, so each email costs one React render.
import { render, toPlainText } from "@react-email/render";
import type { ReactElement } from "react";

export interface RenderedEmail {
  html: string;
  text: string;
}

export async function renderEmail(element: ReactElement): Promise<RenderedEmail> {
  const html = await render(element);
  return { html, text: toPlainText(html) };
}
