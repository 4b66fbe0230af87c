// The calendar-hono app on Bun (`Bun.serve`) or Deno (`Deno.serve`): ISSUER, AUDIENCE, JWKS_URI from
// the environment; prints `listening on http://127.0.0.1:PORT` (an ephemeral port).
import { createVerifier } from "@scopegate/hono";
import { createApp } from "@scopegate-examples/calendar-hono/app";

const env = globalThis.Deno ? globalThis.Deno.env.toObject() : process.env;
const verifier = createVerifier({
  issuer: env.ISSUER,
  audience: env.AUDIENCE.split(",").map((value) => value.trim()),
  ...(env.JWKS_URI ? { jwksUri: env.JWKS_URI } : {}),
});
const app = createApp({ verifier });
if (globalThis.Deno) {
  globalThis.Deno.serve(
    {
      port: 0,
      hostname: "127.0.0.1",
      onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
    },
    app.fetch,
  );
} else {
  const server = globalThis.Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  console.log(`listening on http://127.0.0.1:${server.port}`);
}
