// Signs webhook payloads the way Resend (Svix / Standard Webhooks) does.
import { env } from "cloudflare:workers";
import { call } from "./helpers";

async function sign(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    cryptoKey,
    new TextEncoder().encode(`${id}.${timestamp}.${body}`),
  );
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}

export async function postWebhook(
  event: unknown,
  options: {
    id?: string;
    timestamp?: number;
    secret?: string;
    tamper?: boolean;
    headers?: Record<string, string>;
  } = {},
) {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const body = JSON.stringify(event);
  const signature = await sign(options.secret ?? env.RESEND_WEBHOOK_SECRET!, id, timestamp, body);
  return call("/api/v1/webhooks/resend", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(timestamp),
      "svix-signature": signature,
      ...options.headers,
    },
    body: options.tamper ? body.replace("}", ',"x":1}') : body,
  });
}
