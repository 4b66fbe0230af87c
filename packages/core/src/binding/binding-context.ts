import type { HeadersLike, RequestLike } from "../base/types.js";
import { type CredentialScheme, countRawHeaderLines, readHeader, toRequest } from "../http/bearer.js";
import { requestPath } from "./htu.js";

/**
 * What a request proves about its sender, read from the request once a bound token needs it: the
 * binding step checks the token's `cnf` against it.
 */
export interface BindingContext {
  /** The `Authorization` scheme the token came with (query and form-body tokens are `bearer`). */
  readonly scheme: CredentialScheme;
  /** The request method as received (`"GET"`); empty when the request does not say. */
  readonly method: string;
  /** The request target's path as received, without query and fragment; `undefined` when unknown. */
  readonly path: string | undefined;
  /** Every `DPoP` header value the request carries, each proof on its own (one is expected). */
  readonly dpopProofs: readonly string[];
  /**
   * The SHA-256 thumbprint (base64url, of the DER) of the client certificate the TLS layer
   * authorised, for certificate-bound tokens (RFC 8705); `undefined` when there is none.
   */
  readonly certificateThumbprint?: string | undefined;
  /** The request itself, for what a check reads only when configured (a trusted proxy's headers). */
  readonly request: RequestLike | undefined;
}

/**
 * The `DPoP` header values. Node (and `Headers.get`) join repeated headers with `", "`, and a compact
 * JWS holds no comma or space: a joined value is split back into its proofs, so a duplicate is seen;
 * Node's raw header lines catch the rest.
 */
export function readDpopProofs(request: RequestLike): readonly string[] {
  const value = readHeader(request.headers, "dpop");
  if (value === undefined) return [];
  const proofs =
    typeof value !== "string"
      ? [...value]
      : value.includes(",")
        ? value.split(",").map((proof) => proof.trim())
        : [value.trim()];
  if (proofs.length === 1 && countRawHeaderLines(request, "dpop") > 1) return [proofs[0] as string, ""];
  return proofs;
}

/** Reads the {@link BindingContext} of a request (`undefined` for `verify(token)`: nothing to prove). */
export function readBindingContext(
  input: RequestLike | HeadersLike | undefined,
  scheme: CredentialScheme,
): BindingContext {
  const request = input === undefined ? undefined : toRequest(input);
  const node = request?.req ?? request?.raw;
  return {
    scheme,
    method: request?.method ?? node?.method ?? "",
    path: requestPath(request?.originalUrl ?? request?.url ?? node?.url),
    dpopProofs: request === undefined ? [] : readDpopProofs(request),
    request,
  };
}
