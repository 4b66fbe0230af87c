import type { KeyObject, Verify, VerifyKeyObjectInput, VerifyPublicKeyInput, webcrypto } from "node:crypto";

/** The parts of `node:crypto` this path uses. */
export interface NodeCrypto {
  verify(
    algorithm: string | null | undefined,
    data: NodeJS.ArrayBufferView,
    key: KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput,
    signature: NodeJS.ArrayBufferView,
  ): boolean;
  /**
   * The callback form (Node.js ≥ 15.12): the check runs on libuv's thread pool and calls back.
   * Other runtimes may lack it (a `verify` that ignores the callback): `passesOffloadedKnownAnswer`
   * finds out before it is used.
   */
  verify(
    algorithm: string | null | undefined,
    data: NodeJS.ArrayBufferView,
    key: KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput,
    signature: NodeJS.ArrayBufferView,
    callback: (error: Error | null, valid: boolean) => void,
  ): void;
  KeyObject: { from(key: webcrypto.CryptoKey): KeyObject };
  createPublicKey(
    key:
      | { key: Record<string, string>; format: "jwk" }
      | { key: NodeJS.ArrayBufferView; format: "der"; type: "spki" },
  ): KeyObject;
  constants: { RSA_PKCS1_PSS_PADDING: number };
  /**
   * The streaming verifier. Where present, RS256/384/512 and ES256/384/512 are checked with it: it
   * costs less than the one-shot `verify` for them (ES256 0.5–2.5 µs, RS256 0.3–0.4 µs per call,
   * docs/benchmarks.md). Optional: without it, `verify` checks every algorithm.
   */
  createVerify?(algorithm: string): Verify;
}

interface ProcessLike {
  versions?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * Returns `node:crypto` when running on Node.js itself, else `undefined` (Deno, Bun, workers and
 * browsers use jose). Read through `process.getBuiltinModule` (Node ≥ 20.16), so nothing is
 * imported where it does not exist.
 */
export function loadNodeCrypto(
  proc: unknown = (globalThis as { process?: unknown }).process,
): NodeCrypto | undefined {
  if (typeof proc !== "object" || proc === null) return undefined;
  const { versions, getBuiltinModule } = proc as ProcessLike;
  if (typeof versions?.node !== "string" || versions.bun !== undefined || versions.deno !== undefined) {
    return undefined;
  }
  if (typeof getBuiltinModule !== "function") return undefined;
  try {
    const mod = getBuiltinModule.call(proc, "node:crypto") as Partial<NodeCrypto> | undefined;
    if (typeof mod?.verify !== "function" || typeof mod.KeyObject?.from !== "function") return undefined;
    if (typeof mod.createPublicKey !== "function" || typeof Buffer !== "function") return undefined;
    if (typeof mod.constants?.RSA_PKCS1_PSS_PADDING !== "number") return undefined;
    return mod as NodeCrypto;
  } catch {
    return undefined;
  }
}
