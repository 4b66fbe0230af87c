import type { AuthReadiness, Verifier } from "@scopegate/core";

/** `GET /health/auth`: the readiness report, with 200 when every issuer has usable keys, else 503. */
export declare function authHealth(
  verifier: Pick<Verifier, "readiness">,
): Promise<{ status: 200 | 503; body: AuthReadiness }>;
