import { randomUUID } from "node:crypto";
import { Injectable } from "@nestjs/common";

export type CalendarEvent = Record<string, unknown> & { id: string };

/** Events, in memory. */
@Injectable()
export class EventStore {
  readonly #events = new Map<string, CalendarEvent>();

  list(): CalendarEvent[] {
    return [...this.#events.values()];
  }

  create(fields: Record<string, unknown>): CalendarEvent {
    const event = { ...fields, id: randomUUID() };
    this.#events.set(event.id, event);
    return event;
  }

  remove(id: string): void {
    this.#events.delete(id);
  }
}
