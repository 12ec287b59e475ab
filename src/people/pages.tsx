// Self-service erasure, from the links people get by email. GET never changes anything
// (mail scanners open links); erasing is a POST.
import { Hono } from "hono";
import { throttlePublicPosts } from "../http/abuse";
import type { AppEnv } from "../http/context";
import { dictionary, type Lang } from "../i18n";
import { AppError } from "../lib/errors";
import { readManageToken } from "../subscribers/tokens";
import { Notice } from "../ui/forms";
import { Page } from "../ui/layout";
import { eraseSubscriber } from "./service";

/** Mounted at /s, beside the subscriber's own page. */
export const subscriberErasurePages = new Hono<AppEnv>();

function Invalid({ lang }: { lang: Lang }) {
  const t = dictionary(lang).subscribers;
  return (
    <Page lang={lang} title={t.invalidTitle}>
      <h1>{t.invalidTitle}</h1>
      <p>{t.invalid}</p>
    </Page>
  );
}

subscriberErasurePages.post("/:token/erase", throttlePublicPosts, async (c) => {
  const id = await readManageToken(c.env.TOKEN_SECRET, c.req.param("token"));
  const lang = c.get("lang");
  if (!id) return c.html(<Invalid lang={lang} />, 404);
  try {
    await eraseSubscriber(c.var.services.db, null, id);
  } catch (error) {
    if (!(error instanceof AppError && error.kind === "not_found")) throw error;
  }
  const t = dictionary(lang).subscribers;
  return c.html(
    <Page lang={lang} title={t.eraseButton}>
      <h1>{t.eraseButton}</h1>
      <Notice kind="ok">{t.erased}</Notice>
    </Page>,
  );
});
