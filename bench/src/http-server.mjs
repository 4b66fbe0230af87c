// One HTTP server in a process of its own, so autocannon (in another process) does not share its core.
// Usage: node http-server.mjs <framework> <guard> <config json>
//   framework: express | koa | fastify | hono | nest-express | nest-fastify
//   guard:     bare | noop | scopegate | scopegate-dpop (Express: DPoP allowed, proofs checked against
//              config.dpopPublicUrl) | express-oauth2-jwt-bearer (Express); see src/apps.mjs
// Prints { port } as one JSON line once listening; exits on SIGTERM.
import { createApp } from "./apps.mjs";

const [framework, guard, configJson] = process.argv.slice(2);
const app = await createApp(framework, guard, JSON.parse(configJson));
const server = await app.listen();
process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
process.on("SIGTERM", () => process.exit(0));
