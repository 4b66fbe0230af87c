// Starts the calendar service: settings from the environment, one `listening on` line on stdout,
// exit code 2 on a bad setting, a clean exit 0 on SIGTERM or SIGINT (../../calendar-common).
import "reflect-metadata";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import {
  announceListening,
  type Config,
  connectSharedState,
  exitWithConfigError,
  handleSignals,
  httpsOptions,
  readConfig,
  resolvePublicUrl,
  type SharedState,
  verifierOptions,
} from "@scopegate-examples/calendar-common";
import { AppModule } from "./app.module.js";

const NAME = "calendar-nestjs";
const onStop = handleSignals();

let config: Config;
let shared: SharedState | null = null;
let app: NestExpressApplication;
try {
  config = await resolvePublicUrl(readConfig(process.env));
  shared = await connectSharedState(config);
  app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(verifierOptions(config, shared)),
    // No Nest logging: stdout carries only the `listening on` line; errors are one line on stderr.
    {
      logger: false,
      abortOnError: false,
      ...(config.tls ? { httpsOptions: httpsOptions(config.tls) } : {}),
    },
  );
} catch (error) {
  exitWithConfigError(NAME, error);
}
app.disable("x-powered-by");

try {
  await app.listen(config.port, config.host);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  exitWithConfigError(NAME, `cannot listen on ${config.host}:${config.port} (${code})`);
}
announceListening(app.getHttpServer(), config);
onStop(async () => {
  // Closing the server closes idle keep-alive connections at once; requests still running get one
  // second to finish, then their connections are closed too.
  setTimeout(() => app.getHttpServer().closeAllConnections(), 1000).unref();
  await app.close();
  await shared?.close();
});
