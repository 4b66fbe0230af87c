// @ts-check
/**
 * What every calendar's RFC 9728 document says beyond what the adapter derives from the verifier.
 * Node-free, so that the Worker can use it.
 */
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
