import { describe, expect, it } from "vitest";
import { resolveClientCertificateOptions } from "../src/binding/certificate-options.js";

describe("clientCertificate options", () => {
  it("trusts no proxy by default", () => {
    expect(resolveClientCertificateOptions(undefined).trustedProxy).toBeNull();
    expect(resolveClientCertificateOptions({}).trustedProxy).toBeNull();
    expect(resolveClientCertificateOptions({ trustedProxy: null }).trustedProxy).toBeNull();
  });

  it("gives each proxy kind its header, and takes another one lower-cased", () => {
    const header = (kind: string, name?: string) =>
      resolveClientCertificateOptions({
        trustedProxy: { kind, peers: "any", ...(name ? { header: name } : {}) },
      }).trustedProxy?.header;
    expect(header("envoy")).toBe("x-forwarded-client-cert");
    expect(header("aws-alb")).toBe("x-amzn-mtls-clientcert-leaf");
    expect(header("aws-alb-passthrough")).toBe("x-amzn-mtls-clientcert");
    expect(header("nginx")).toBe("x-ssl-client-cert");
    expect(header("nginx", "SSL-Client-Cert")).toBe("ssl-client-cert");
  });

  it("keeps the peers as given and matches requests against them", () => {
    const proxy = resolveClientCertificateOptions({ trustedProxy: { kind: "envoy", peers: ["10.0.0.0/8"] } })
      .trustedProxy!;
    expect(proxy.peers).toEqual(["10.0.0.0/8"]);
    expect(proxy.isTrustedPeer("10.1.1.1")).toBe(true);
    expect(proxy.isTrustedPeer("127.0.0.1")).toBe(false);
  });

  it.each([
    ["not an object", "yes", /clientCertificate/],
    ["an unknown key", { trustedProxies: null }, /trustedProxies/],
    ["an unknown proxy key", { trustedProxy: { kind: "envoy", peers: "any", headers: "x" } }, /headers/],
    ["an unknown kind", { trustedProxy: { kind: "haproxy", peers: "any" } }, /kind/],
    ["no peers", { trustedProxy: { kind: "envoy" } }, /peers/],
    ["an empty peer list", { trustedProxy: { kind: "envoy", peers: [] } }, /peers/],
    ["a peer that is no address", { trustedProxy: { kind: "envoy", peers: ["proxy.internal"] } }, /peers/],
    ["a bad header name", { trustedProxy: { kind: "nginx", peers: "any", header: "x cert" } }, /header/],
    [
      "the Authorization header",
      { trustedProxy: { kind: "nginx", peers: "any", header: "Authorization" } },
      /header/,
    ],
  ])("refuses %s with a TypeError that names the option", (_title, value, message) => {
    expect(() => resolveClientCertificateOptions(value)).toThrow(TypeError);
    expect(() => resolveClientCertificateOptions(value)).toThrow(message);
  });
});
