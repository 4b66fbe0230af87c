// Starts the calendar service: settings from the environment, one `listening on` line on stdout,
// exit code 2 on a bad setting, a clean exit 0 on SIGTERM or SIGINT (../../calendar-common).
import "reflect-metadata";
import { asksForClientCertificates, httpsOptions, runCalendar } from "@scopegate-examples/calendar-common";

await runCalendar("calendar-nestjs", async () => {
  const { NestFactory } = await import("@nestjs/core");
  const { AppModule } = await import("./app.module.js");
  return {
    async build(options, config) {
      const app = await NestFactory.create<import("@nestjs/platform-express").NestExpressApplication>(
        AppModule.forRoot(options, { clientCertificates: asksForClientCertificates(config) }),
        // No Nest logging: stdout carries only the `listening on` line; errors are one line on stderr.
        {
          logger: false,
          abortOnError: false,
          ...(config.tls ? { httpsOptions: httpsOptions(config.tls) } : {}),
        },
      );
      app.disable("x-powered-by");
      return app;
    },
    async listen(app, config) {
      await app.listen(config.port, config.host);
      return {
        server: app.getHttpServer(),
        async close() {
          // Closing the server closes idle keep-alive connections at once; requests still running
          // get one second to finish, then their connections are closed too.
          setTimeout(() => app.getHttpServer().closeAllConnections(), 1000).unref();
          await app.close();
        },
      };
    },
  };
});
