export type { CalendarEvent, EventStore } from "./index.js";
export declare function createEventStore(): import("./index.js").EventStore;
