import type { Db } from "../db/client";
import type { Env } from "../env";
import type { Lang } from "../i18n";
import type { Mailer } from "../mail/outbox";
import type { Actor } from "../organisers/roles";

/** Hono's typing for the whole app: bindings plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    db: Db;
    mailer: Mailer;
    lang: Lang;
    actor: Actor | null;
    requestId: string;
  };
}
