import type { ResourceMetadata, Verifier } from "@scopegate/core";

/** The calendar's RFC 9728 document (core's `createResourceMetadata`, the calendar's five scopes). */
export declare function calendarResourceMetadata(verifier: Verifier): ResourceMetadata;
