const encoder = new TextEncoder();

/**
 * The cache key of a token: its SHA-256, base64url (43 characters). WebCrypto only, so it runs on
 * every runtime core supports. The token itself is never a key, never stored, never logged.
 */
export async function hashToken(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
  let binary = "";
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
