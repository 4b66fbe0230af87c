import { describe, expect, it } from "vitest";
import { createEventHub, type ScopegateEvent } from "../src/index.js";

const stale: ScopegateEvent = { type: "stale_served", jwksUri: "https://as.example.com/jwks", ageMs: 1 };

describe("createEventHub", () => {
  it("has no emit function while nobody listens, so emitters build no event", () => {
    const hub = createEventHub();
    expect(hub.emit).toBeUndefined();
    const off = hub.subscribe(() => {});
    expect(hub.emit).toBeTypeOf("function");
    off();
    expect(hub.emit).toBeUndefined();
  });

  it("delivers each event to every listener in subscription order, and stops after unsubscribe", () => {
    const seen: string[] = [];
    const hub = createEventHub((event) => seen.push(`first:${event.type}`));
    const off = hub.subscribe((event) => seen.push(`second:${event.type}`));
    hub.emit?.(stale);
    off();
    hub.emit?.(stale);
    expect(seen).toEqual(["first:stale_served", "second:stale_served", "first:stale_served"]);
  });

  it("keeps delivering to the other listeners when one throws or rejects", async () => {
    const seen: ScopegateEvent[] = [];
    const hub = createEventHub(() => {
      throw new Error("listener bug");
    });
    hub.subscribe((() => Promise.reject(new Error("async listener bug"))) as () => void);
    hub.subscribe((event) => seen.push(event));
    expect(() => hub.emit?.(stale)).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 10)); // an unhandled rejection would fail the run
    expect(seen).toEqual([stale]);
  });

  it("refuses a listener that is not a function with a TypeError", () => {
    expect(() => createEventHub().subscribe("log" as unknown as () => void)).toThrow(TypeError);
  });
});
