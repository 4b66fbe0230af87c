// @ts-check
/**
 * The calendar's RFC 9728 document for adapters without a metadata helper of their own (Fastify,
 * Hono): core builds the answer, the example only hands it to its framework.
 */
import { createResourceMetadata } from "@scopegate/core";
import { CALENDAR_SCOPES } from "./scopes.js";

/**
 * The calendar's metadata options: its five scopes, and `tls_client_certificate_bound_access_tokens`
 * when the service asks clients for a certificate (TLS_CA), which only the server's settings know.
 * @param {{ clientCertificates?: boolean }} [options]
 */
export function calendarMetadataOptions({ clientCertificates = false } = {}) {
  return {
    scopesSupported: [...CALENDAR_SCOPES],
    tlsClientCertificateBoundAccessTokens: clientCertificates,
  };
}

/**
 * @param {import("@scopegate/core").Verifier} verifier
 * @param {{ clientCertificates?: boolean }} [options] `clientCertificates`: the server asks for them
 * @returns {import("@scopegate/core").ResourceMetadata}
 */
export function calendarResourceMetadata(verifier, options) {
  return createResourceMetadata(verifier, calendarMetadataOptions(options));
}
