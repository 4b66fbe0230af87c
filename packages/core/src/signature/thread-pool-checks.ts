import type { Algorithm } from "../base/algorithms.js";
import type { NodeCrypto } from "./node-crypto.js";
import { knownAnswerArguments, type VerifyArguments } from "./node-key-checks.js";

/**
 * `node:crypto`'s checks on libuv's thread pool (`verify` with a callback), for the verifier's
 * `offloadSignatures`: the same arguments as the synchronous check (node-key-checks.ts), so the same
 * verdicts, and a known-answer check per algorithm that finds out whether the runtime has that form
 * at all before it is used.
 */

/**
 * A key's check on libuv's thread pool: resolves the verdict later, never rejects (an error, thrown
 * or called back, is `false`, as a throwing check is on the synchronous path). The caller keeps
 * `data` and `signature` unchanged until it resolves.
 */
export type OffloadedCheck = (
  data: NodeJS.ArrayBufferView,
  signature: NodeJS.ArrayBufferView,
) => Promise<boolean>;

/** The thread-pool check with `verify`'s `args` (from `signingKeyCheck`). */
export function offloadedCheck(nodeCrypto: NodeCrypto, { digest, key }: VerifyArguments): OffloadedCheck {
  const { verify } = nodeCrypto;
  return (data, signature) =>
    new Promise<boolean>((resolve) => {
      try {
        verify(digest, data, key, signature, (error, valid) => resolve(error === null && valid === true));
      } catch {
        resolve(false);
      }
    });
}

/** How long the known answer through `verify`'s callback form may take before that form counts as missing. */
const KNOWN_ANSWER_TIMEOUT_MS = 5_000;

/**
 * One call of `verify`'s callback form: the verdict it calls back with, or `undefined` when it
 * throws, calls back with an error, returns a value (a `verify` without that form, which ignores the
 * callback) or has not called back within {@link KNOWN_ANSWER_TIMEOUT_MS}.
 */
function callbackVerdict(
  nodeCrypto: NodeCrypto,
  { digest, key }: VerifyArguments,
  data: NodeJS.ArrayBufferView,
  signature: NodeJS.ArrayBufferView,
): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), KNOWN_ANSWER_TIMEOUT_MS);
    (timer as { unref?: () => void }).unref?.(); // never keeps a process alive
    const answer = (verdict: boolean | undefined) => {
      clearTimeout(timer);
      resolve(verdict);
    };
    try {
      const returned: unknown = nodeCrypto.verify(digest, data, key, signature, (error, valid) =>
        answer(error === null && typeof valid === "boolean" ? valid : undefined),
      );
      if (returned !== undefined) answer(undefined);
    } catch {
      answer(undefined);
    }
  });
}

/**
 * Whether `verify`'s callback form (libuv's thread pool) exists and verifies `alg` as Node.js does:
 * it must call back `true` for the known-answer signature and `false` with its last byte changed.
 * Bun, Deno or workerd may lack that form or answer otherwise: then `false`, and the synchronous
 * check stays in use. Never rejects.
 */
export async function passesOffloadedKnownAnswer(nodeCrypto: NodeCrypto, alg: Algorithm): Promise<boolean> {
  try {
    const known = knownAnswerArguments(nodeCrypto, alg);
    if (known === undefined) return false;
    const { verifyArguments, data, signature, tampered } = known;
    const [valid, invalid] = await Promise.all([
      callbackVerdict(nodeCrypto, verifyArguments, data, signature),
      callbackVerdict(nodeCrypto, verifyArguments, data, tampered),
    ]);
    return valid === true && invalid === false;
  } catch {
    return false;
  }
}
