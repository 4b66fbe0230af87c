import { describe, expect, it } from "vitest";
import { createPeerMatcher, parseIp, parseRange } from "../src/binding/peer-address.js";

const ranges = (...list: string[]) => list.map((text) => parseRange(text)!);

describe("peer addresses", () => {
  it.each([
    ["127.0.0.1", [127, 0, 0, 1]],
    ["::ffff:10.1.2.3", [10, 1, 2, 3]],
    ["::1", [...new Array(15).fill(0), 1]],
    ["fe80::1%eth0", [0xfe, 0x80, ...new Array(13).fill(0), 1]],
    ["2001:db8::10.0.0.1", [0x20, 0x01, 0x0d, 0xb8, ...new Array(8).fill(0), 10, 0, 0, 1]],
  ])("parses %s", (text, bytes) => {
    expect([...parseIp(text)!]).toEqual(bytes);
  });

  it.each([
    "",
    "1.2.3",
    "1.2.3.4.5",
    "256.0.0.1",
    "01.2.3.4",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "::g",
    "1.2.3.4 ",
    "a".repeat(100),
  ])("refuses %j as an address", (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it.each(["10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "::/129", "10.0.0.0/08", "not-an-ip/8"])(
    "refuses %j as a range",
    (text) => {
      expect(parseRange(text)).toBeUndefined();
    },
  );

  it("matches peers inside the configured ranges only, IPv4-mapped addresses as IPv4", () => {
    const isTrusted = createPeerMatcher(ranges("10.0.0.0/8", "192.168.1.7", "fd00::/8"));
    expect(isTrusted("10.200.3.4")).toBe(true);
    expect(isTrusted("::ffff:10.0.0.1")).toBe(true);
    expect(isTrusted("192.168.1.7")).toBe(true);
    expect(isTrusted("fd12::1")).toBe(true);
    expect(isTrusted("11.0.0.1")).toBe(false);
    expect(isTrusted("192.168.1.8")).toBe(false);
    expect(isTrusted("fe80::1")).toBe(false);
    expect(isTrusted(undefined)).toBe(false);
    expect(isTrusted("garbage")).toBe(false);
  });

  it("matches a range whose length is not a whole number of bytes", () => {
    const isTrusted = createPeerMatcher(ranges("172.16.0.0/12"));
    expect(isTrusted("172.31.255.255")).toBe(true);
    expect(isTrusted("172.32.0.0")).toBe(false);
    expect(isTrusted("172.15.255.255")).toBe(false);
  });

  it('trusts every peer, even an unknown one, with "any"', () => {
    expect(createPeerMatcher("any")(undefined)).toBe(true);
  });
});
