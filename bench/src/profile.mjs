// Profiles one HTTP server of the benchmark under load: starts `src/http-server.mjs` with
// `--cpu-prof`, drives it with autocannon (16 connections) for a warm-up second and then `seconds`,
// and prints where the server's CPU time went, by package and by function, with the profile's path
// (open it in Chrome DevTools or speedscope for the call tree).
// Usage: node src/profile.mjs <framework> <guard> <repeated|distinct> [seconds]
//   e.g. node src/profile.mjs express scopegate distinct 6
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { AUDIENCE, generateKeys, ISSUER, jwksOf, startJwksServer } from "./fixtures.mjs";
import { cannon } from "./http.mjs";
import { writeMicroFixtures } from "./micro.mjs";

const [framework = "express", guard = "scopegate", workload = "distinct", secondsText = "6"] =
  process.argv.slice(2);
const keys = generateKeys();
const jwks = jwksOf(keys);
const jwksServer = await startJwksServer(jwks);
const fixtures = await writeMicroFixtures({
  keys,
  jwks,
  jwksUri: jwksServer.uri,
  minted: { RS256: 6_000, PS256: 10, ES256: 10, EdDSA: 10 },
});
const config = { issuer: ISSUER, audience: AUDIENCE, jwksUri: jwksServer.uri, alg: "RS256" };
const dir = mkdtempSync(join(tmpdir(), "scopegate-profile-"));
const server = spawn(
  process.execPath,
  [
    `--cpu-prof`,
    `--cpu-prof-dir=${dir}`,
    new URL("./http-server.mjs", import.meta.url).pathname,
    framework,
    guard,
    JSON.stringify(config),
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const [line] = await once(createInterface({ input: server.stdout }), "line");
const url = `http://127.0.0.1:${JSON.parse(line).port}/events`;
const tokens = workload === "repeated" ? [fixtures.repeated.RS256] : fixtures.pools.RS256;
await cannon(url, tokens, 1, 16);
const result = await cannon(url, tokens, Number(secondsText), 16);
server.kill("SIGTERM");
await once(server, "exit");
await jwksServer.close();

const file = join(dir, readdirSync(dir)[0]);
const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTime = new Map();
profile.samples.forEach((id, i) => {
  selfTime.set(id, (selfTime.get(id) ?? 0) + profile.timeDeltas[i]);
});
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
const byPackage = new Map();
const byFunction = new Map();
for (const [id, time] of selfTime) {
  const { functionName, url: source, lineNumber } = nodes.get(id).callFrame;
  const pkg = /packages\/([^/]+)\//.exec(source)?.[1];
  const place = pkg
    ? `@scopegate/${pkg}`
    : (/.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1] ??
      (source.startsWith("node:") ? "node" : functionName));
  byPackage.set(place, (byPackage.get(place) ?? 0) + time);
  const name = `${functionName || "(anonymous)"} ${source.split("/").pop()}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + time);
}
const top = (map, n) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `  ${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
console.log(`${framework} ${guard} ${workload}: ${result.requests.total} requests, ${result.non2xx} non-2xx`);
console.log(`profile: ${file}`);
console.log("self time by package:");
console.log(top(byPackage, 15).join("\n"));
console.log("self time by function:");
console.log(top(byFunction, 25).join("\n"));
