import {
  type CalendarEvent,
  createEventStore,
  type EventStore as Events,
} from "@scopegate-examples/calendar-common";

export type { CalendarEvent };
export type EventStore = Events;

/** Injection token for the calendar's in-memory event store (shared with the other examples). */
export const EVENT_STORE = Symbol("EventStore");
export const eventStoreProvider = { provide: EVENT_STORE, useFactory: createEventStore };
