import type { Context } from "hono";
import type { Actor } from "../access/roles";
import type { Brand } from "../brand/brand";
import type { PageCache } from "../cache/pages";
import type { Env } from "../env";
import type { Lang } from "../i18n";
import type { Services } from "../services";

/** Hono's typing for the whole app: bindings plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** db, mailer, queue, settings, clock: the one service context (src/services.ts). */
    services: Services;
    lang: Lang;
    /** Who is signed in, if anyone; routes guarded by `requires` see it non-null. */
    actor: Actor | null;
    requestId: string;
    /** The organisation, for the page layout (src/brand/brand.ts, `currentBrand`). */
    brand: Brand;
    /** The page cache's lookup, when it ran before the services were made (src/http/page-cache.ts). */
    pages?: PageCache;
  };
}

/** What a handler behind `requires(…)` sees: the same context, with an actor that is never null. */
export interface SignedInEnv extends AppEnv {
  Variables: AppEnv["Variables"] & { actor: Actor };
}

/**
 * A context of this app, signed in or not. Hono's Context is invariant in its env, so
 * helpers shared by public and guarded handlers take this instead of `Context<AppEnv>`.
 */
export type AppContext = Context<AppEnv> | Context<SignedInEnv>;
