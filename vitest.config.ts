import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  const { assets } = unstable_readConfig({ config: "./wrangler.toml" });
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            // A local address: the dev mailbox only ever holds mail for a local APP_URL.
            APP_URL: "http://localhost:8787",
            // At least 32 characters each, or the Worker refuses to serve (src/env.ts).
            ADMIN_TOKEN: "test-admin-token-0123456789abcdefghij",
            TOKEN_SECRET: "test-token-secret-0123456789abcdefghij",
            // base64 of 32 bytes: the master key of the vault (src/vault/).
            DATA_KEY: "dGVzdC1kYXRhLWtleS0wMTIzNDU2Nzg5YWJjZGVmZ2g=",
            // Concurrency tests send hundreds of public posts; throttling has its own test.
            THROTTLE: "off",
            // base64 of "test-webhook-key-0123456789abcdef", in Svix's whsec_ form.
            RESEND_WEBHOOK_SECRET: "whsec_dGVzdC13ZWJob29rLWtleS0wMTIzNDU2Nzg5YWJjZGVm",
          },
          // `exports.default.fetch` calls the Worker itself, never the static assets in front of
          // it, so tests reach those (wrangler.toml's [assets], public/_headers applied) through
          // a binding of their own. Production has no such binding: nothing in it reads them.
          assets: { directory: assets!.directory, binding: "ASSETS" },
          // The outside world: every outbound fetch goes to a fake Resend (and later a fake
          // Turnstile), a small worker of its own rather than patched internals.
          outboundService: "fake-outside",
          workers: [
            {
              name: "fake-outside",
              modules: true,
              scriptPath: "./test/support/fake-outside.mjs",
              compatibilityDate: "2026-08-01",
            },
          ],
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
});
