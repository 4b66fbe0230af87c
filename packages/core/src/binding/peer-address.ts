/**
 * IP addresses and CIDR ranges, for the peers whose certificate headers are believed. Pure parsing:
 * no `node:net`, so it runs wherever core runs.
 */

/** An address as 4 (IPv4) or 16 (IPv6) bytes; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is taken as IPv4. */
export function parseIp(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  if (!text.includes(":")) return parseIpv4(text);
  const zone = text.indexOf("%");
  const bytes = parseIpv6(zone === -1 ? text : text.slice(0, zone));
  if (bytes === undefined) return undefined;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i += 1) {
    const part = parts[i] as string;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    bytes[i] = Number(part);
  }
  return bytes;
}

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const groups: number[] = [];
  const parts = text.split(":");
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] as string;
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] as string);
  const tail = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** An address range: the first `bits` bits of `prefix`. */
export interface AddressRange {
  readonly prefix: Uint8Array;
  readonly bits: number;
}

/** `"10.0.0.0/8"`, `"fd00::/8"` or a single address (`"127.0.0.1"`, `"::1"`); `undefined` if it is neither. */
export function parseRange(text: string): AddressRange | undefined {
  const slash = text.indexOf("/");
  const prefix = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (prefix === undefined) return undefined;
  const max = prefix.length * 8;
  if (slash === -1) return { prefix, bits: max };
  const bitsText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bitsText)) return undefined;
  // An IPv4-mapped range (::ffff:10.0.0.0/104) counts its bits over 128; the prefix became 4 bytes.
  const bits = Number(bitsText) - (text.slice(0, slash).includes(":") && prefix.length === 4 ? 96 : 0);
  if (bits < 0 || bits > max) return undefined;
  return { prefix, bits };
}

/** True when `address` (parsed) lies in `range`. */
export function inRange(address: Uint8Array, range: AddressRange): boolean {
  if (address.length !== range.prefix.length) return false;
  let left = range.bits;
  for (let i = 0; left > 0; i += 1, left -= 8) {
    const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
    if (((address[i] as number) & mask) !== ((range.prefix[i] as number) & mask)) return false;
  }
  return true;
}

/** A check of the request's peer address against a list of ranges. */
export type PeerMatcher = (remoteAddress: string | undefined) => boolean;

/** Builds the peer check for `peers` (already validated ranges), or one that passes every peer for `"any"`. */
export function createPeerMatcher(peers: readonly AddressRange[] | "any"): PeerMatcher {
  if (peers === "any") return () => true;
  return (remoteAddress) => {
    if (remoteAddress === undefined) return false;
    const address = parseIp(remoteAddress);
    return address !== undefined && peers.some((range) => inRange(address, range));
  };
}
