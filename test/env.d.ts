import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** Workers static assets (public/), bound for tests only in vitest.config.ts. */
      ASSETS: Fetcher;
    }
  }
}
