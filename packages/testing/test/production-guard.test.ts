import { afterEach, describe, expect, it } from "vitest";
import { createTestAuthority, PRODUCTION_WARNING_CODE } from "../src/index.js";

const FLAG = Symbol.for("scopegate.testing.productionWarning");
const originalEnv = process.env.NODE_ENV;

function collectWarnings() {
  const warnings: Error[] = [];
  const listener = (warning: Error) => warnings.push(warning);
  process.on("warning", listener);
  return { warnings, stop: () => process.off("warning", listener) };
}
const nextTicks = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  process.env.NODE_ENV = originalEnv;
  delete (globalThis as Record<symbol, unknown>)[FLAG];
});

describe("production guard", () => {
  it("warns once per process when created with NODE_ENV=production", async () => {
    delete (globalThis as Record<symbol, unknown>)[FLAG];
    process.env.NODE_ENV = "production";
    const { warnings, stop } = collectWarnings();
    await (await createTestAuthority()).close();
    await (await createTestAuthority()).close();
    await nextTicks();
    stop();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ name: "SecurityWarning", code: PRODUCTION_WARNING_CODE });
    expect(warnings[0]!.message).toMatch(/must never be used in production/);
  });

  it("stays quiet outside production", async () => {
    delete (globalThis as Record<symbol, unknown>)[FLAG];
    process.env.NODE_ENV = "test";
    const { warnings, stop } = collectWarnings();
    await (await createTestAuthority()).close();
    await nextTicks();
    stop();
    expect(warnings.filter((w) => (w as Error & { code?: string }).code === PRODUCTION_WARNING_CODE)).toEqual(
      [],
    );
  });
});
