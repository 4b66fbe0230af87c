// @ts-check
/**
 * The calendar's RFC 9728 document for adapters without a metadata helper of their own (Fastify,
 * Hono): core builds the answer, the example only hands it to its framework.
 */
import { createResourceMetadata } from "@scopegate/core";
import { CALENDAR_SCOPES } from "./scopes.js";

/**
 * @param {import("@scopegate/core").Verifier} verifier
 * @returns {import("@scopegate/core").ResourceMetadata}
 */
export function calendarResourceMetadata(verifier) {
  return createResourceMetadata(verifier, { scopesSupported: [...CALENDAR_SCOPES] });
}
