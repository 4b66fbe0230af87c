// Every verifier measured, set up the way its documentation recommends for an API that checks
// client-credentials access tokens: issuer, audience and algorithm pinned, keys from a JWKS served
// on 127.0.0.1 and cached (or a local key where the library has no JWKS support of its own).
// `create(ctx)` returns `verify(token)`, which returns (or resolves) once the token is verified and
// throws (or rejects) otherwise.
import { constants, createPublicKey, verify as cryptoVerify } from "node:crypto";
import { JwtVerifier } from "aws-jwt-verify";
import { auth } from "express-oauth2-jwt-bearer";
import { createVerifier as createFastJwtVerifier } from "fast-jwt";
import { importJWK, jwtVerify } from "jose";
import jsonwebtoken from "jsonwebtoken";
import jwksRsa from "jwks-rsa";

// SCOPEGATE_CORE points the micro benchmark at another build of @scopegate/core (an ESM file), to
// measure a local change against the committed one.
const { createVerifier: createScopegateVerifier } = await import(
  process.env.SCOPEGATE_CORE ?? "@scopegate/core"
);

/** node:crypto verification options per JOSE algorithm. */
function nodeVerifyArgs(alg, keyObject) {
  switch (alg) {
    case "RS256":
      return ["sha256", keyObject];
    case "PS256":
      return ["sha256", { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }];
    case "ES256":
      return ["sha256", { key: keyObject, dsaEncoding: "ieee-p1363" }];
    case "EdDSA":
      return [null, keyObject];
  }
  throw new Error(alg);
}

/** The floor: the signature check and the payload decode, nothing else. */
const floor = {
  id: "floor",
  label: "floor: node:crypto verify + payload decode",
  supports: () => true,
  async create({ alg, key }) {
    const [digest, input] = nodeVerifyArgs(alg, createPublicKey(key.publicPem));
    return (token) => {
      const first = token.indexOf(".");
      const second = token.indexOf(".", first + 1);
      const ok = cryptoVerify(
        digest,
        Buffer.from(token.slice(0, second), "latin1"),
        input,
        Buffer.from(token.slice(second + 1), "base64url"),
      );
      if (!ok) throw new Error("invalid signature");
      return JSON.parse(Buffer.from(token.slice(first + 1, second), "base64url").toString("utf8"));
    };
  },
};

const jose = {
  id: "jose",
  label: "jose jwtVerify (local key)",
  supports: () => true,
  async create({ alg, key, issuer, audience }) {
    const publicKey = await importJWK(key.jwk, alg);
    const options = { issuer, audience, algorithms: [alg] };
    return (token) => jwtVerify(token, publicKey, options);
  },
};

/** The middleware itself, called with a minimal Express-shaped request (its verifier is not exported). */
const expressOauth2JwtBearer = {
  id: "express-oauth2-jwt-bearer",
  label: "express-oauth2-jwt-bearer (JWKS)",
  supports: () => true,
  async create({ alg, issuer, audience, jwksUri }) {
    const middleware = auth({ issuer, audience, jwksUri, tokenSigningAlg: alg });
    const response = {};
    return (token) =>
      new Promise((resolve, reject) => {
        const headers = { authorization: `Bearer ${token}`, host: "127.0.0.1:3000" };
        const request = {
          headers,
          method: "GET",
          protocol: "http",
          url: "/",
          originalUrl: "/",
          query: {},
          body: undefined,
          is: () => false,
          get: (name) => headers[name.toLowerCase()],
        };
        middleware(request, response, (error) => (error ? reject(error) : resolve(request.auth)));
      });
  },
};

const awsJwtVerify = {
  id: "aws-jwt-verify",
  label: "aws-jwt-verify (JWKS cached)",
  // No RSA-PSS support.
  supports: (alg) => alg !== "PS256",
  async create({ issuer, audience, jwksUri, jwks }) {
    const verifier = JwtVerifier.create({ issuer, audience, jwksUri });
    verifier.cacheJwks(jwks);
    return (token) => verifier.verify(token);
  },
};

function fastJwt(cache) {
  return {
    id: cache ? "fast-jwt-cache" : "fast-jwt",
    label: cache ? "fast-jwt, cache on (local key)" : "fast-jwt (local key)",
    supports: () => true,
    async create({ alg, key, issuer, audience }) {
      const verify = createFastJwtVerifier({
        key: key.publicPem,
        algorithms: [alg],
        allowedIss: issuer,
        allowedAud: audience,
        cache,
      });
      return (token) => verify(token);
    },
  };
}

const jsonwebtokenJwksRsa = {
  id: "jsonwebtoken",
  label: "jsonwebtoken + jwks-rsa (JWKS cached)",
  // jsonwebtoken (jwa) has no EdDSA.
  supports: (alg) => alg !== "EdDSA",
  async create({ alg, issuer, audience, jwksUri }) {
    const client = jwksRsa({ jwksUri, cache: true, rateLimit: false });
    const getKey = (header, callback) =>
      client.getSigningKey(header.kid, (error, key) => callback(error, key?.getPublicKey()));
    const options = { algorithms: [alg], issuer, audience };
    return (token) =>
      new Promise((resolve, reject) =>
        jsonwebtoken.verify(token, getKey, options, (error, payload) =>
          error ? reject(error) : resolve(payload),
        ),
      );
  },
};

function scopegate(tokenCache) {
  return {
    id: tokenCache ? "scopegate" : "scopegate-no-cache",
    label: tokenCache ? "scopegate (JWKS; token cache on: default)" : "scopegate (JWKS; tokenCache: false)",
    supports: () => true,
    async create({ alg, issuer, audience, jwksUri }) {
      const verifier = createScopegateVerifier({
        issuer,
        audience,
        jwksUri,
        algorithms: [alg],
        ...(tokenCache ? {} : { tokenCache: false }),
      });
      await verifier.warm();
      return (token) => verifier.verify(token);
    },
  };
}

/**
 * scopegate with @scopegate/opentelemetry listening: with no SDK (the API's no-ops: what a service
 * pays when telemetry is wired but not set up) or with the SDK (every verification sampled into a span
 * sent to a batch processor whose exporter drops it, and every metric aggregated).
 */
function scopegateOtel(withSdk) {
  return {
    id: withSdk ? "scopegate-otel-sdk" : "scopegate-otel",
    label: withSdk
      ? "scopegate + @scopegate/opentelemetry, SDK: spans sampled, metrics aggregated"
      : "scopegate + @scopegate/opentelemetry, no SDK registered",
    supports: () => true,
    async create({ alg, issuer, audience, jwksUri }) {
      const { createTelemetry } = await import("@scopegate/opentelemetry");
      const telemetry = createTelemetry(withSdk ? await benchSdk() : {});
      const verifier = createScopegateVerifier({
        issuer,
        audience,
        jwksUri,
        algorithms: [alg],
        onEvent: telemetry.onEvent,
      });
      await verifier.warm();
      return (token) => verifier.verify(token);
    },
  };
}

/** An SDK set-up as a service would have one, minus the network: exporters that drop what they get. */
async function benchSdk() {
  const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = await import(
    "@opentelemetry/sdk-metrics"
  );
  const drop = {
    export: (_items, done) => done({ code: 0 }),
    shutdown: async () => {},
    forceFlush: async () => {},
  };
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(drop)] });
  const metricExporter = { ...drop, selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE };
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 10_000,
  });
  return { tracerProvider, meterProvider: new MeterProvider({ readers: [reader] }) };
}

export const LIBRARIES = [
  floor,
  scopegate(true),
  scopegate(false),
  scopegateOtel(false),
  scopegateOtel(true),
  jose,
  fastJwt(false),
  fastJwt(true),
  awsJwtVerify,
  jsonwebtokenJwksRsa,
  expressOauth2JwtBearer,
];

export const libraryById = (id) => LIBRARIES.find((library) => library.id === id);
