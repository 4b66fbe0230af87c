// Keys, JWKS and token pools shared by every benchmark. Tokens are signed with node:crypto directly
// (fast, and independent of every library measured), in worker threads when there are many.
import { constants, createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

export const ISSUER = "https://issuer.bench.example/";
export const AUDIENCE = "https://api.bench.example/";
export const ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"];

const b64u = (value) => Buffer.from(value).toString("base64url");

/** A signing key per algorithm (RS256 and PS256 share one RSA key, as issuers often do). */
export function generateKeys() {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ed = generateKeyPairSync("ed25519");
  const pairs = { RS256: rsa, PS256: rsa, ES256: ec, EdDSA: ed };
  const keys = {};
  for (const alg of ALGORITHMS) {
    const { privateKey, publicKey } = pairs[alg];
    const kid = `bench-${alg.toLowerCase()}`;
    keys[alg] = {
      alg,
      kid,
      privatePem: privateKey.export({ format: "pem", type: "pkcs8" }),
      publicPem: publicKey.export({ format: "pem", type: "spki" }),
      jwk: { ...publicKey.export({ format: "jwk" }), kid, alg, use: "sig" },
    };
  }
  return keys;
}

export function jwksOf(keys) {
  return { keys: ALGORITHMS.map((alg) => keys[alg].jwk) };
}

/** Signs `header.payload` for `alg` with node:crypto, in JOSE's format. */
export function signingInputSignature(alg, privateKey, input) {
  const data = Buffer.from(input);
  switch (alg) {
    case "RS256":
      return sign("sha256", data, privateKey);
    case "PS256":
      return sign("sha256", data, {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
    case "ES256":
      return sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
    case "EdDSA":
      return sign(null, data, privateKey);
    default:
      throw new Error(`unsupported ${alg}`);
  }
}

/** Realistic client-credentials access-token claims (RFC 9068 shape, ~20 claims' worth of JSON). */
export function claimsFor(index, nowSec) {
  return {
    iss: ISSUER,
    sub: "svc-task-runner@clients",
    aud: AUDIENCE,
    client_id: "svc-task-runner",
    azp: "svc-task-runner",
    scope: "event.read event.create event.update calendar.read",
    gty: "client-credentials",
    iat: nowSec - (index % 600),
    nbf: nowSec - (index % 600),
    exp: nowSec + 3600,
    jti: `bench-${index.toString(36)}-${nowSec.toString(36)}`,
  };
}

/** Mints `count` distinct tokens for `alg` starting at `from`, in this thread; `extra` claims added (e.g. `cnf`). */
export function mintRange(key, from, count, nowSec, extra = {}) {
  const privateKey = createPrivateKey(key.privatePem);
  const header = b64u(JSON.stringify({ alg: key.alg, kid: key.kid, typ: "at+jwt" }));
  const tokens = new Array(count);
  for (let i = 0; i < count; i++) {
    const input = `${header}.${b64u(JSON.stringify({ ...claimsFor(from + i, nowSec), ...extra }))}`;
    tokens[i] = `${input}.${signingInputSignature(key.alg, privateKey, input).toString("base64url")}`;
  }
  return tokens;
}

/** Mints `count` distinct tokens (claims indexed from `start`), split across worker threads. */
export async function mintPool(key, count, nowSec, start = 0) {
  const threads = Math.max(1, availableParallelism());
  if (count < 2000 || threads === 1) return mintRange(key, start, count, nowSec);
  const share = Math.ceil(count / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const from = start + t * share;
      const n = Math.max(0, Math.min(share, count - t * share));
      const worker = new Worker(new URL("./mint-worker.mjs", import.meta.url), {
        workerData: { key, from, count: n, nowSec },
      });
      return once(worker, "message").then(([tokens]) => tokens);
    }),
  );
  return parts.flat();
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * The `variant`-th (0–15) spelling of `token`. RSA-2048, P-256 and Ed25519 signatures (256 and 64
 * bytes) end, in base64url, in a character that carries 4 unused bits: its 16 spellings decode to
 * the same signature, so each is a distinct token string that every library measured accepts (and
 * verifies in full). This is how the benchmarks get many distinct valid tokens without minting
 * each one.
 */
export function spelling(token, variant) {
  const last = BASE64URL.indexOf(token.at(-1));
  // Through a Buffer, so the result is one flat string, as a token read from a request is (a
  // concatenation would leave a rope for the first verifier that touches it to flatten).
  return Buffer.from(token.slice(0, -1) + BASE64URL[(last & 0b110000) | variant], "latin1").toString(
    "latin1",
  );
}

/** 16 distinct spellings of every token, spelling-major (consecutive tokens have different claims). */
export function spellings(tokens) {
  const out = [];
  for (let variant = 0; variant < 16; variant++)
    for (const token of tokens) out.push(spelling(token, variant));
  return out;
}

/** Serves the JWKS over HTTP on 127.0.0.1 (an ephemeral port). */
export async function startJwksServer(jwks) {
  const body = JSON.stringify(jwks);
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    // `connection: close`: each verifier fetches once, and a reused idle socket could race the
    // server's keep-alive timeout ("other side closed") between one algorithm's run and the next.
    res
      .writeHead(200, {
        "content-type": "application/json",
        "cache-control": "max-age=600",
        connection: "close",
      })
      .end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    uri: `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
