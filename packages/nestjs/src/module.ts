import { type DynamicModule, Module, type Provider } from "@nestjs/common";
import { APP_FILTER, APP_GUARD } from "@nestjs/core";
import { resolveAuthOptions, type Verifier } from "@scopegate/core";
import { ScopegateExceptionFilter } from "./exception-filter.js";
import { ScopegateGuard } from "./guard.js";
import {
  refuseUnknownAsyncKeys,
  refuseUnknownFactoryKeys,
  refuseUnknownModuleKeys,
  type ScopegateModuleAsyncOptions,
  type ScopegateModuleExtras,
  type ScopegateModuleOptions,
  type ScopegateOptions,
} from "./options.js";
import { createResourceMetadataController } from "./resource-metadata.js";
import { SCOPEGATE_OPTIONS, SCOPEGATE_VERIFIER } from "./tokens.js";

/**
 * Provides the verifier (`SCOPEGATE_VERIFIER`), the options (`SCOPEGATE_OPTIONS`) and
 * `ScopegateGuard`; registers `ScopegateExceptionFilter` and, with `guard: "global"`, the guard for
 * every route. The verifier is created (and its options checked) when the application starts.
 */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static factories.
export class ScopegateModule {
  /** Configures the module with options known now. */
  static forRoot(options: ScopegateModuleOptions): DynamicModule {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("scopegate: ScopegateModule.forRoot() needs an options object.");
    }
    refuseUnknownModuleKeys(options);
    const { global, guard, exceptionFilter, resourceMetadata, ...scopegate } = options;
    return build(
      { global, guard, exceptionFilter, resourceMetadata },
      { provide: SCOPEGATE_OPTIONS, useValue: scopegate },
      [],
    );
  }

  /** Configures the module with options from a factory, e.g. one that reads `ConfigService`. */
  static forRootAsync(options: ScopegateModuleAsyncOptions): DynamicModule {
    if (typeof options?.useFactory !== "function") {
      throw new TypeError("scopegate: ScopegateModule.forRootAsync() needs a `useFactory` function.");
    }
    refuseUnknownAsyncKeys(options);
    const factory = options.useFactory as (
      ...args: unknown[]
    ) => ScopegateOptions | Promise<ScopegateOptions>;
    const provider: Provider = {
      provide: SCOPEGATE_OPTIONS,
      // The factory's result is checked when it resolves: an unknown key fails the start-up.
      useFactory: async (...args: unknown[]) => refuseUnknownFactoryKeys(await factory(...args)),
      inject: options.inject ?? [],
    };
    return build(options, provider, options.imports ?? []);
  }
}

function build(
  extras: ScopegateModuleExtras,
  optionsProvider: Provider,
  imports: NonNullable<DynamicModule["imports"]>,
): DynamicModule {
  const guard = extras.guard ?? "manual";
  if (guard !== "global" && guard !== "manual") {
    throw new TypeError('scopegate: invalid option `guard`: expected "global" or "manual".');
  }
  const providers: Provider[] = [
    optionsProvider,
    {
      provide: SCOPEGATE_VERIFIER,
      // Checks `credentialsRequired` as the other adapters do, and builds the verifier from the rest.
      useFactory: (options: ScopegateOptions): Verifier => resolveAuthOptions(options).verifier,
      inject: [SCOPEGATE_OPTIONS],
    },
    ScopegateGuard,
  ];
  if (guard === "global") providers.push({ provide: APP_GUARD, useExisting: ScopegateGuard });
  if (extras.exceptionFilter !== false)
    providers.push({ provide: APP_FILTER, useClass: ScopegateExceptionFilter });
  const metadata = extras.resourceMetadata ?? false;
  const controllers =
    metadata === false ? [] : [createResourceMetadataController(metadata === true ? {} : metadata)];
  return {
    module: ScopegateModule,
    global: extras.global === true,
    imports,
    controllers,
    providers,
    exports: [SCOPEGATE_OPTIONS, SCOPEGATE_VERIFIER, ScopegateGuard],
  };
}
