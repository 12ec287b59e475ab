import { describe, expect, it } from "vitest";
import {
  blindIndex,
  fingerprint,
  importAesKey,
  indexKey,
  isSealed,
  keyBytesFromBase64,
  openText,
  randomKeyBytes,
  sealText,
} from "../src/lib/crypto";

describe("sealed fields", () => {
  it("open only with the same key and for the same row and column", async () => {
    const raw = randomKeyBytes();
    const key = await importAesKey(raw);
    const sealed = await sealText(key, "Leila Haddad", "registrations.name:reg_1");
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain("Leila");
    expect(await openText(key, sealed, "registrations.name:reg_1")).toBe("Leila Haddad");
    // A fresh nonce every time: the same value never seals to the same text.
    expect(await sealText(key, "Leila Haddad", "registrations.name:reg_1")).not.toBe(sealed);
    await expect(openText(key, sealed, "registrations.name:reg_2")).rejects.toThrow();
    await expect(openText(key, sealed, "registrations.email:reg_1")).rejects.toThrow();
    const other = await importAesKey(randomKeyBytes());
    await expect(openText(other, sealed, "registrations.name:reg_1")).rejects.toThrow();
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith("A") ? "B" : "A"}A`;
    await expect(openText(key, tampered, "registrations.name:reg_1")).rejects.toThrow();
  });

  it("blind indexes are equal for equal values under one key only", async () => {
    const a = randomKeyBytes();
    const b = randomKeyBytes();
    const ka = await indexKey(a, "email");
    const kb = await indexKey(b, "email");
    expect(await blindIndex(ka, "x@example.org")).toBe(await blindIndex(ka, "x@example.org"));
    expect(await blindIndex(ka, "x@example.org")).not.toBe(await blindIndex(ka, "y@example.org"));
    expect(await blindIndex(ka, "x@example.org")).not.toBe(await blindIndex(kb, "x@example.org"));
    expect(await blindIndex(await indexKey(a, "other"), "x@example.org")).not.toBe(
      await blindIndex(ka, "x@example.org"),
    );
  });

  it("read the master key from base64 of exactly 32 bytes", async () => {
    const raw = randomKeyBytes();
    const b64 = btoa(String.fromCharCode(...raw));
    expect(keyBytesFromBase64(b64)).toEqual(raw);
    expect(keyBytesFromBase64(btoa("short"))).toBeNull();
    expect(keyBytesFromBase64("not base64 !!")).toBeNull();
    expect(keyBytesFromBase64(undefined)).toBeNull();
    expect(await fingerprint(raw)).toHaveLength(12);
  });
});
