import { MAX_CERTIFICATE_BYTES } from "./tls-certificate.js";

const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";

/**
 * The DER bytes of the first certificate of a PEM text (a chain's first is its leaf), or `undefined`
 * when the text does not start with one well-formed `CERTIFICATE` block. Strict: standard base64 only,
 * whitespace only between lines, and the bytes must be exactly one DER SEQUENCE.
 */
export function decodePemCertificate(pem: string): Uint8Array | undefined {
  const text = pem.trimStart();
  if (!text.startsWith(BEGIN)) return undefined;
  const end = text.indexOf(END, BEGIN.length);
  if (end === -1) return undefined;
  const body = text.slice(BEGIN.length, end).replace(/[\r\n\t ]+/g, "");
  if (body.length === 0 || body.length % 4 !== 0 || body.length > (MAX_CERTIFICATE_BYTES / 3) * 4 + 4)
    return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return undefined;
  const binary = atob(body);
  const der = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) der[i] = binary.charCodeAt(i);
  return isOneDerSequence(der) ? der : undefined;
}

/** True when `der` is a single DER SEQUENCE whose definite length covers exactly the bytes given. */
export function isOneDerSequence(der: Uint8Array): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1] as number;
  if (first < 0x80) return 2 + first === der.length;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 2 || der.length < 2 + octets) return false; // at most 64 KiB
  let length = 0;
  for (let i = 0; i < octets; i += 1) length = length * 256 + (der[2 + i] as number);
  const minimal = octets === 1 ? length >= 0x80 : length >= 0x100;
  return minimal && 2 + octets + length === der.length;
}
