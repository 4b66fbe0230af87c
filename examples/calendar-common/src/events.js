// @ts-check
import { randomUUID } from "node:crypto";

/**
 * The calendar's events, in memory.
 * @returns {import("./index.js").EventStore}
 */
export function createEventStore() {
  /** @type {Map<string, import("./index.js").CalendarEvent>} */
  const events = new Map();
  return {
    list: () => [...events.values()],
    create(fields) {
      const event = { ...fields, id: randomUUID() };
      events.set(event.id, event);
      return event;
    },
    remove(id) {
      events.delete(id);
    },
  };
}
