import { afterEach, describe, expect, it } from "vitest";
import { createTestAuthority, type TestAuthority } from "../src/index.js";

// Issue 12, item 0: the test kit's options refuse unknown keys too, naming the key and the closest
// known one, so a typo in a test (`expiresIn: -60`) cannot mint a token that silently is not the one meant.

const open: TestAuthority[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close()));
});
async function authority(): Promise<TestAuthority> {
  const created = await createTestAuthority();
  open.push(created);
  return created;
}

describe("@scopegate/testing refuses unknown option keys", () => {
  it("createTestAuthority", async () => {
    await expect(createTestAuthority({ audiance: "x" } as never)).rejects.toThrow(
      "@scopegate/testing: createTestAuthority() has no option `audiance`; did you mean `audience`?",
    );
  });

  it("mint, and the bad-token helpers that take mint options", async () => {
    const a = await authority();
    await expect(a.mint({ expiresIn: -60 } as never)).rejects.toThrow(
      /mint\(\) has no option `expiresIn`; did you mean `expiresInSec`\?/,
    );
    await expect(a.tokens.expired({ scopes: ["a"] } as never)).rejects.toThrow(
      /no option `scopes`; did you mean `scope`\?/,
    );
  });

  it("simulate", async () => {
    const a = await authority();
    expect(() => a.simulate("slow", { delay: 10 } as never)).toThrow(
      /simulate\(\) has no option `delay`; did you mean `delayMs`\?/,
    );
  });

  it("rotateKeys", async () => {
    const a = await authority();
    expect(() => a.rotateKeys({ keepOlds: false } as never)).toThrow(
      /rotateKeys\(\) has no option `keepOlds`; did you mean `keepOld`\?/,
    );
  });

  it("listen", async () => {
    const a = await authority();
    await expect(a.listen({ hostname: "127.0.0.1" } as never)).rejects.toThrow(
      /listen\(\) has no option `hostname`/,
    );
  });

  it("still accepts every documented option (the control)", async () => {
    const a = await authority();
    const token = await a.mint({
      scope: "a",
      scp: ["b"],
      subject: "s",
      clientId: "c",
      audience: "x",
      issuer: "https://i.example/",
      expiresInSec: 60,
      notBeforeSec: 0,
      issuedAtSec: 0,
      claims: {},
      header: {},
      typ: null,
      omit: [],
    });
    expect(token.split(".")).toHaveLength(3);
    expect(() => a.simulate("slow", { endpoints: "jwks", delayMs: 1, times: 1 })).not.toThrow();
    expect(() => a.rotateKeys({ keepOld: true, algorithm: "ES256" })).not.toThrow();
  });
});
