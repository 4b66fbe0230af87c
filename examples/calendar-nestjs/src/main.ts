// Starts the calendar service: configuration from the environment, one `listening on` line on
// stdout, exit code 2 on bad configuration, a clean exit 0 on SIGTERM or SIGINT.
import "reflect-metadata";
import type { AddressInfo } from "node:net";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import { AppModule } from "./app.module.js";
import { type Config, readConfig } from "./config.js";

const NAME = "calendar-nestjs";

function exitWithConfigError(message: string): never {
  process.stderr.write(`${NAME}: ${message.replace(/\s+/g, " ").trim()}\n`);
  process.exit(2);
}

/** Names the variable behind a verifier option in its error message. */
const VARIABLES: Record<string, string> = { issuer: "ISSUER", audience: "AUDIENCE", jwksUri: "JWKS_URI" };
const toVariables = (message: string): string =>
  message.replace(
    /`(issuer|audience|jwksUri)(\[[^\]]*\])?`/g,
    (_, option: string) => VARIABLES[option] ?? option,
  );

let config: Config;
let app: NestExpressApplication;
try {
  config = readConfig(process.env);
  app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      issuer: config.issuer,
      audience: config.audience,
      ...(config.jwksUri ? { jwksUri: config.jwksUri } : {}),
    }),
    // No Nest logging: stdout carries only the `listening on` line; errors are one line on stderr.
    { logger: false, abortOnError: false },
  );
} catch (error) {
  exitWithConfigError(toVariables(error instanceof Error ? error.message : String(error)));
}
app.disable("x-powered-by");

try {
  await app.listen(config.port, config.host);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  exitWithConfigError(`cannot listen on ${config.host}:${config.port} (${code})`);
}
const { port } = app.getHttpServer().address() as AddressInfo;
const host = config.host.includes(":") ? `[${config.host}]` : config.host;
process.stdout.write(`listening on http://${host}:${port}\n`);

function shutdown(): void {
  // Closing the server closes idle keep-alive connections at once; requests still running get one
  // second to finish, then their connections are closed too.
  setTimeout(() => app.getHttpServer().closeAllConnections(), 1000).unref();
  void app.close().then(() => process.exit(0));
}
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
