import {
  createHash,
  createPrivateKey,
  generateKeyPair,
  type KeyObject,
  randomBytes,
  sign,
} from "node:crypto";
import forge from "node-forge";

/** An RSA key pair: PEM text for Node's TLS options, a KeyObject to sign with, forge's public key for certificates. */
export interface TestKeyPair {
  /** PKCS#8 PEM. */
  readonly pem: string;
  readonly privateKey: KeyObject;
  readonly publicKey: forge.pki.rsa.PublicKey;
}

/** Generates an RSA-2048 key pair with Node's native generator (forge's own is pure JavaScript and slow). */
export function generateTestKeyPair(): Promise<TestKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      "rsa",
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      },
      (error, publicPem, privatePem) => {
        if (error) return reject(error);
        resolve({
          pem: privatePem,
          privateKey: createPrivateKey(privatePem),
          publicKey: forge.pki.publicKeyFromPem(publicPem) as forge.pki.rsa.PublicKey,
        });
      },
    );
  });
}

/** What kind of certificate to issue. */
export type CertificateRole = "ca" | "client" | "server";

/** Everything a certificate is built from. */
export interface CertificateSpec {
  readonly role: CertificateRole;
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: forge.pki.rsa.PublicKey;
  /** The issuer's certificate; `undefined` for a self-signed CA. */
  readonly issuer: forge.pki.Certificate | undefined;
  readonly issuerKey: KeyObject;
  /** DNS names and IP addresses for a server certificate's subjectAltName. */
  readonly hosts?: readonly string[];
}

const IP = /^(\d{1,3}\.){3}\d{1,3}$|:/;

function extensionsFor(spec: CertificateSpec, issuerKeyId: string): object[] {
  const usage =
    spec.role === "ca"
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }
      : { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true };
  const extensions: object[] = [
    { name: "basicConstraints", cA: spec.role === "ca", critical: true },
    usage,
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: issuerKeyId },
  ];
  if (spec.role === "client") extensions.push({ name: "extKeyUsage", clientAuth: true });
  if (spec.role === "server") {
    extensions.push({ name: "extKeyUsage", serverAuth: true });
    const altNames = (spec.hosts ?? []).map((host) =>
      IP.test(host) ? { type: 7, ip: host } : { type: 2, value: host },
    );
    extensions.push({ name: "subjectAltName", altNames });
  }
  return extensions;
}

/**
 * Builds and signs an X.509 v3 certificate (SHA-256 with RSA). forge lays out the certificate; Node
 * signs it (forge's pure-JavaScript RSA takes a few hundred milliseconds per signature).
 */
export function buildCertificate(spec: CertificateSpec): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = spec.publicKey;
  // A positive serial number of 16 random bytes (RFC 5280 §4.1.2.2: at most 20 octets).
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  const subject = [
    { name: "commonName", value: spec.commonName },
    { name: "organizationName", value: "scopegate test" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(spec.issuer ? spec.issuer.subject.attributes : subject);
  const issuerPublicKey = (spec.issuer?.publicKey ?? spec.publicKey) as forge.pki.rsa.PublicKey;
  const issuerKeyId = forge.pki.getPublicKeyFingerprint(issuerPublicKey, { type: "RSAPublicKey" }).getBytes();
  cert.setExtensions(extensionsFor(spec, issuerKeyId));
  const algorithm = forge.pki.oids.sha256WithRSAEncryption as string;
  cert.siginfo.algorithmOid = algorithm;
  cert.signatureOid = algorithm;
  // `getTBSCertificate` is part of forge's API, missing from its type definitions.
  const { getTBSCertificate } = forge.pki as unknown as {
    getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1;
  };
  const tbs = Buffer.from(forge.asn1.toDer(getTBSCertificate(cert)).getBytes(), "binary");
  cert.signature = sign("sha256", tbs, spec.issuerKey).toString("binary");
  return cert;
}

/** The DER bytes of a certificate. */
export function certificateDer(cert: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");
}

/** RFC 8705 `x5t#S256`: base64url(SHA-256(DER)). */
export function thumbprintOf(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("base64url");
}

/** PEM text of a certificate. */
export function certificatePem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert);
}

let leafKeys: Promise<TestKeyPair> | undefined;
/**
 * The key pair of every leaf (client and server) certificate issued in this process, generated once:
 * a binding names a certificate, not a key, and RSA key generation is the slow part of a test run.
 */
export function sharedLeafKeyPair(): Promise<TestKeyPair> {
  leafKeys ??= generateTestKeyPair();
  leafKeys.catch(() => {
    leafKeys = undefined;
  });
  return leafKeys;
}
