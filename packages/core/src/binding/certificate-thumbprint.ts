/**
 * RFC 8705 §3.1 certificate thumbprints: base64url (no padding) of the SHA-256 digest of the DER
 * certificate. Hashed with WebCrypto, so core needs no `node:` module for it on any runtime.
 */

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i] as number);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `x5t#S256` of a DER certificate: base64url(SHA-256(der)). */
export async function certificateThumbprint(der: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", der as Uint8Array<ArrayBuffer>);
  return toBase64Url(new Uint8Array(digest));
}

/** A SHA-256 digest written as 64 hexadecimal digits (Envoy's XFCC `Hash`) as a thumbprint; `undefined` if it is not one. */
export function thumbprintFromHex(hex: string): string | undefined {
  if (!/^[0-9A-Fa-f]{64}$/.test(hex)) return undefined;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i += 1) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return toBase64Url(bytes);
}
