import { emitSafely } from "../base/option-checks.js";
import type { ScopegateEvent, ScopegateEventListener } from "./scopegate-event.js";

/** Where a part of scopegate sends its events, and where listeners subscribe. */
export interface EventHub {
  /**
   * Delivers an event to every listener, each shielded from the others' failures; `undefined` while
   * nobody listens. Check it before building an event: no listener, no event object.
   */
  readonly emit: ScopegateEventListener | undefined;
  /** Adds a listener; returns the function that removes it again. */
  subscribe(listener: ScopegateEventListener): () => void;
}

/** Creates an {@link EventHub}, optionally with a first listener. */
export function createEventHub(first?: ScopegateEventListener): EventHub {
  const listeners = new Set<ScopegateEventListener>();
  const hub = {
    emit: undefined as ScopegateEventListener | undefined,
    subscribe(listener: ScopegateEventListener): () => void {
      if (typeof listener !== "function") throw new TypeError("scopegate: subscribe() expects a function.");
      listeners.add(listener);
      hub.emit = fanOut([...listeners]);
      return () => {
        listeners.delete(listener);
        hub.emit = fanOut([...listeners]);
      };
    },
  };
  if (first !== undefined) hub.subscribe(first);
  return hub;
}

/** One function calling each listener safely, or `undefined` for none. */
function fanOut(listeners: readonly ScopegateEventListener[]): ScopegateEventListener | undefined {
  if (listeners.length === 0) return undefined;
  if (listeners.length === 1) {
    const [only] = listeners as [ScopegateEventListener];
    return (event: ScopegateEvent) => emitSafely(only, event);
  }
  return (event: ScopegateEvent) => {
    for (const listener of listeners) emitSafely(listener, event);
  };
}
