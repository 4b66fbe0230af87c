import type { MaybePromise } from "../base/maybe.js";
import type { HeadersLike, RequestLike, VerifiedToken } from "../base/types.js";
import type { ScopegateEventListener } from "../events/scopegate-event.js";
import type { AcceptedSchemes, CredentialScheme } from "../http/bearer.js";
import type { ChallengeSchemes } from "../http/challenge.js";
import { CredentialsRequiredError, InvalidTokenError } from "../http/errors.js";
import { readBindingContext } from "./binding-context.js";
import { checkCertificateBoundToken, createClientCertificateReader } from "./certificate.js";
import type { ResolvedClientCertificateOptions } from "./certificate-options.js";
import type { ResolvedDpopOptions } from "./dpop-options.js";
import { createDpopProofCheck } from "./dpop-proof.js";

/** The binding step: a verified token's `cnf` against what the request proves, on every request. */
export interface BindingStep {
  /** The `Authorization` schemes the verifier takes. */
  readonly schemes: AcceptedSchemes;
  /** The challenges its errors offer. */
  readonly challenges: ChallengeSchemes;
  /**
   * Checks `verified` (fresh or from the token cache) against the request it came with; `request`
   * is `undefined` for `verify(token)`, which is a bearer presentation with nothing else. Returns the
   * result (a copy carrying `responseHeaders` when there is a header to send), a promise only when a
   * check had to wait. Throws (or rejects with) scopegate errors.
   */
  check(
    verified: VerifiedToken,
    request: RequestLike | HeadersLike | undefined,
    scheme: CredentialScheme,
  ): MaybePromise<VerifiedToken>;
}

/**
 * Creates the binding step for a verifier's DPoP options (and its clock). `emit` receives
 * `replay_detected`; `undefined` when nobody listens.
 */
export function createBindingStep(
  dpop: ResolvedDpopOptions,
  clientCertificate: ResolvedClientCertificateOptions,
  clock: () => number,
  emit?: ScopegateEventListener,
): BindingStep {
  const readCertificate = createClientCertificateReader(clientCertificate, clock);
  const schemes: AcceptedSchemes = Object.freeze({
    bearer: dpop.mode !== "required",
    dpop: dpop.mode !== "disabled",
  });
  const challenges: ChallengeSchemes = Object.freeze({
    bearer: schemes.bearer,
    dpopAlgs: dpop.mode === "disabled" ? null : dpop.algorithms,
  });
  const dpopProof = dpop.mode === "disabled" ? undefined : createDpopProofCheck(dpop, clock, emit);

  return {
    schemes,
    challenges,
    check(verified, request, scheme) {
      const binding = verified.binding;
      // The Bearer scheme may be off (DPoP required): `verify(token)` is a bearer presentation too.
      if (scheme === "bearer" && !schemes.bearer) throw new CredentialsRequiredError();
      if (binding === null) {
        if (scheme === "dpop") throw new InvalidTokenError("ERR_TOKEN_NOT_DPOP_BOUND");
        return verified;
      }
      if (binding.method === "dpop") {
        // No downgrade: a DPoP-bound token is good only with its proof (RFC 9449 §7.2).
        if (scheme !== "dpop" || dpopProof === undefined) throw new InvalidTokenError("ERR_TOKEN_DPOP_BOUND");
        return dpopProof.check(verified, readBindingContext(request, scheme));
      }
      if (scheme === "dpop") throw new InvalidTokenError("ERR_TOKEN_NOT_DPOP_BOUND");
      // Certificate-bound (RFC 8705 §3): the certificate the request presented must be the one named.
      return checkCertificateBoundToken(verified, binding.thumbprint, request, readCertificate);
    },
  };
}
