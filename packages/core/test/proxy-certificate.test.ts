import { createHash } from "node:crypto";
import { createTestCertificates, proxyCertificateHeaders, type TestCertificates } from "@scopegate/testing";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { isOneDerSequence } from "../src/binding/pem.js";
import { MAX_CERTIFICATE_HEADER_CHARS, readProxyCertificate } from "../src/binding/proxy-certificate.js";
import { parseXfcc } from "../src/binding/xfcc.js";

let certs: TestCertificates;
beforeAll(async () => {
  certs = await createTestCertificates();
});

const hex = (der: Uint8Array) => createHash("sha256").update(der).digest("hex");

describe("readProxyCertificate", () => {
  it.each(["aws-alb", "aws-alb-passthrough", "nginx"] as const)(
    "reads the DER certificate of a %s header",
    (kind) => {
      const found = readProxyCertificate(proxyCertificateHeaders(certs.client, kind), kind);
      expect(found.status).toBe("present");
      expect(found.status === "present" && Buffer.from(found.der!).equals(certs.client.der)).toBe(true);
    },
  );

  it("reads both the hash and the certificate of Envoy's XFCC, from its last element", () => {
    const own = proxyCertificateHeaders(certs.client, "envoy")["x-forwarded-client-cert"];
    const forged = `Hash=${hex(certs.otherClient.der)}`;
    const found = readProxyCertificate({ "x-forwarded-client-cert": `${forged},${own}` }, "envoy");
    expect(found).toMatchObject({ status: "present", thumbprint: certs.client.thumbprint });
    expect(found.status === "present" && Buffer.from(found.der!).equals(certs.client.der)).toBe(true);
  });

  it("takes the leaf, the first certificate, of a passthrough chain", () => {
    const chain = encodeURIComponent(certs.client.cert + certs.ca.cert);
    const found = readProxyCertificate({ "x-amzn-mtls-clientcert": chain }, "aws-alb-passthrough");
    expect(found.status === "present" && Buffer.from(found.der!).equals(certs.client.der)).toBe(true);
  });

  it("reads a header of another name when told", () => {
    const headers = proxyCertificateHeaders(certs.client, "nginx", "ssl-client-cert");
    expect(readProxyCertificate(headers, "nginx", "ssl-client-cert").status).toBe("present");
    expect(readProxyCertificate(headers, "nginx").status).toBe("absent");
  });

  it("says absent for no header, an empty one, and an XFCC element without Hash or Cert", () => {
    expect(readProxyCertificate({}, "nginx")).toEqual({ status: "absent" });
    expect(readProxyCertificate({ "x-ssl-client-cert": "  " }, "nginx")).toEqual({ status: "absent" });
    expect(
      readProxyCertificate({ "x-forwarded-client-cert": 'By=spiffe://a;Subject="CN=x"' }, "envoy"),
    ).toEqual({
      status: "absent",
    });
  });

  const pem = () => encodeURIComponent(certs.client.cert);
  it.each([
    ["a repeated header (array)", () => ({ "x-ssl-client-cert": [pem(), pem()] }), "repeated"],
    ["a repeated header joined by Node", () => ({ "x-ssl-client-cert": `${pem()}, ${pem()}` }), "repeated"],
    [
      "an oversized header",
      () => ({ "x-ssl-client-cert": "A".repeat(MAX_CERTIFICATE_HEADER_CHARS + 1) }),
      "too-large",
    ],
    ["bad percent-encoding", () => ({ "x-ssl-client-cert": "%E0%A4%A" }), "malformed"],
    ["text that is not PEM", () => ({ "x-ssl-client-cert": "hello" }), "malformed"],
    ["a PEM private key", () => ({ "x-ssl-client-cert": encodeURIComponent(certs.client.key) }), "malformed"],
    [
      "PEM with a non-base64 body",
      () => ({
        "x-ssl-client-cert": encodeURIComponent(
          "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----",
        ),
      }),
      "malformed",
    ],
    ["PEM without its end line", () => ({ "x-ssl-client-cert": pem().slice(0, -40) }), "malformed"],
    [
      "PEM whose body is not one DER sequence",
      () => ({
        "x-ssl-client-cert": encodeURIComponent(
          `-----BEGIN CERTIFICATE-----\n${Buffer.from("hello world!").toString("base64")}\n-----END CERTIFICATE-----`,
        ),
      }),
      "malformed",
    ],
  ])("refuses %s as unreadable, without throwing", (_title, headers, problem) => {
    expect(readProxyCertificate(headers(), "nginx")).toEqual({ status: "unreadable", problem });
  });

  it.each([
    ["an unterminated quote", 'Hash=ab;Cert="abc'],
    ["a short hash", "Hash=abcdef"],
    ["a hash that is not hex", `Hash=${"z".repeat(64)}`],
    ["a hash given twice", `Hash=${"a".repeat(64)};Hash=${"b".repeat(64)}`],
    ["a key without a value separator", "Hash"],
    ["an empty element", `Hash=${"a".repeat(64)},`],
    ["text after a closing quote", 'Subject="CN=x"y;Hash=00'],
    ["a control character", `Subject="a\u0001b"`],
    ["too many elements", Array.from({ length: 17 }, () => `Hash=${"a".repeat(64)}`).join(",")],
    ["a Cert that is not PEM", 'Cert="hello"'],
  ])("refuses an XFCC header with %s", (_title, value) => {
    expect(readProxyCertificate({ "x-forwarded-client-cert": value }, "envoy")).toMatchObject({
      status: "unreadable",
    });
  });

  it("parses quoted XFCC values with commas, semicolons, equals signs and escaped quotes", () => {
    expect(parseXfcc('By=spiffe://a;Subject="CN=a\\"b, O=c;d",URI=;DNS=x;DNS=y')).toEqual([
      [
        ["by", "spiffe://a"],
        ["subject", 'CN=a"b, O=c;d'],
      ],
      [
        ["uri", ""],
        ["dns", "x"],
        ["dns", "y"],
      ],
    ]);
  });

  it("answers every header value with absent, present or unreadable, never a throw", () => {
    const piece = fc.constantFrom(
      "Hash=",
      "Cert=",
      '"',
      ";",
      ",",
      "%",
      "%2",
      "-----BEGIN CERTIFICATE-----",
      "\n",
      "\\",
      "AB",
      "+/",
      "=",
    );
    const value = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(piece, { maxLength: 60 }).map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(value, (text) => {
        for (const kind of ["envoy", "nginx", "aws-alb"] as const) {
          const headers = {
            "x-forwarded-client-cert": text,
            "x-ssl-client-cert": text,
            "x-amzn-mtls-clientcert-leaf": text,
          };
          expect(["absent", "present", "unreadable"]).toContain(readProxyCertificate(headers, kind).status);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("accepts only a DER sequence whose length covers the bytes exactly", () => {
    expect(isOneDerSequence(certs.client.der)).toBe(true);
    expect(isOneDerSequence(Buffer.concat([certs.client.der, Buffer.from([0])]))).toBe(false);
    expect(isOneDerSequence(certs.client.der.subarray(0, certs.client.der.length - 1))).toBe(false);
    expect(isOneDerSequence(Uint8Array.from([0x30, 0x81, 0x05, 1, 2, 3, 4, 5]))).toBe(false); // not minimal
    expect(isOneDerSequence(Uint8Array.from([0x31, 0x00]))).toBe(false);
  });
});
