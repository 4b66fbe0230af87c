// @ts-check
/** The calendar's scopes: what its routes ask for, published as `scopes_supported`. */
export const CALENDAR_SCOPES = Object.freeze([
  "event.read",
  "event.create",
  "event.delete",
  "report.read",
  "admin",
]);
