import { type DynamicModule, Module } from "@nestjs/common";
import { APP_FILTER } from "@nestjs/core";
import { ScopegateModule, type VerifierOptions } from "@scopegate/nestjs";
import { CalendarController } from "./calendar.controller.js";
import { CalendarErrorFilter } from "./errors.js";
import { eventStoreProvider } from "./events.js";

@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static factories.
export class AppModule {
  /** `clientCertificates`: the server asks clients for a certificate (TLS_CA); the metadata says so. */
  static forRoot(verifierOptions: VerifierOptions, { clientCertificates = false } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The library's defaults throughout; one filter of our own renders every failure.
        // resourceMetadata: the RFC 9728 document, scopes_supported collected from the routes' decorators.
        // Whether clients are asked for a certificate is known to the HTTPS server only: said here.
        ScopegateModule.forRoot({
          ...verifierOptions,
          guard: "global",
          exceptionFilter: false,
          resourceMetadata: { tlsClientCertificateBoundAccessTokens: clientCertificates },
        }),
      ],
      controllers: [CalendarController],
      providers: [eventStoreProvider, { provide: APP_FILTER, useClass: CalendarErrorFilter }],
    };
  }
}
