// @ts-check
/**
 * The calendar's events, in memory. Web-standard only (`crypto.randomUUID`), so the Hono examples
 * use it on Bun, Deno and workerd too.
 * @returns {import("./index.js").EventStore}
 */
export function createEventStore() {
  /** @type {Map<string, import("./index.js").CalendarEvent>} */
  const events = new Map();
  return {
    list: () => [...events.values()],
    create(fields) {
      const event = { ...fields, id: crypto.randomUUID() };
      events.set(event.id, event);
      return event;
    },
    remove(id) {
      events.delete(id);
    },
  };
}
