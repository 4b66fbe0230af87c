import type { FactoryProvider, ModuleMetadata } from "@nestjs/common";
import {
  optionKeys,
  refuseUnknownKeys,
  refuseUnknownVerifierKeys,
  type VerifierOptions,
} from "@scopegate/core";
import type { ScopegateResourceMetadataOptions } from "./resource-metadata.js";

/** What the guard and its verifier are configured with: every `VerifierOptions` option, plus guard options. */
export type ScopegateOptions = VerifierOptions & ScopegateGuardOptions;

/** The guard's own options. */
export interface ScopegateGuardOptions {
  /**
   * When `false`, a request without any credentials passes the guard with no token (`@Auth()` gives
   * `undefined`), unless its route requires scopes. A token that is present is still verified, and a
   * bad one is still refused. Default: `true`.
   */
  credentialsRequired?: boolean;
}

/** How the module wires itself into the application. Known when the module is declared, so never async. */
export interface ScopegateModuleExtras {
  /** Register the module globally, so every module can use `@UseGuards(ScopegateGuard)` without importing it. Default: `false`. */
  global?: boolean;
  /**
   * `"global"` installs `ScopegateGuard` as an `APP_GUARD`: every route needs a valid token unless it
   * is marked `@Public()`. `"manual"` installs nothing: apply `@UseGuards(ScopegateGuard)` to the
   * controllers or routes to protect (scope decorators do nothing on a route the guard does not run on).
   * Default: `"manual"`.
   */
  guard?: "global" | "manual";
  /**
   * Register `ScopegateExceptionFilter` as an `APP_FILTER`, so failures answer with the RFC 6750
   * status, `WWW-Authenticate` and JSON body. Set `false` to render them with your own filter.
   * Default: `true`.
   */
  exceptionFilter?: boolean;
  /**
   * Serve the verifier's RFC 9728 protected resource metadata (the verifier needs a `resource`):
   * `true`, or options (`path`, `scopesSupported`, the descriptive members). `scopes_supported`
   * defaults to every scope the routes' `@RequireScopes()` and `@RequireAnyScope()` name.
   * Default: `false` (not served).
   */
  resourceMetadata?: boolean | ScopegateResourceMetadataOptions;
}

/** Options of `ScopegateModule.forRoot`. */
export type ScopegateModuleOptions = ScopegateOptions & ScopegateModuleExtras;

/** Options of `ScopegateModule.forRootAsync`: the options come from a factory with injected dependencies. */
export interface ScopegateModuleAsyncOptions extends ScopegateModuleExtras {
  /** Modules whose exported providers the factory injects (e.g. `ConfigModule`). Default: `[]`. */
  imports?: ModuleMetadata["imports"];
  /** Tokens whose providers are passed to `useFactory`, in order. Default: `[]`. */
  inject?: FactoryProvider["inject"];
  /** Returns the options (or a promise of them). */
  useFactory: (...args: never[]) => ScopegateOptions | Promise<ScopegateOptions>;
}

/** The keys of {@link ScopegateOptions} beside the verifier's. Add a new guard option here. */
const GUARD_OPTION_KEYS = optionKeys<Omit<ScopegateOptions, keyof VerifierOptions>>()([
  "credentialsRequired",
]);
/** Every key of {@link ScopegateModuleExtras}. */
const EXTRAS_KEYS = optionKeys<ScopegateModuleExtras>()([
  "global",
  "guard",
  "exceptionFilter",
  "resourceMetadata",
]);
/** Every key of {@link ScopegateModuleAsyncOptions}. */
const ASYNC_OPTION_KEYS = optionKeys<ScopegateModuleAsyncOptions>()([
  "imports",
  "inject",
  "useFactory",
  ...EXTRAS_KEYS,
]);

/** Refuses unknown keys in `forRoot`'s options (verifier, guard and module options together). */
export function refuseUnknownModuleKeys(options: ScopegateModuleOptions): void {
  refuseUnknownVerifierKeys(options, "ScopegateModule.forRoot()", [...GUARD_OPTION_KEYS, ...EXTRAS_KEYS]);
}

/** Refuses unknown keys in `forRootAsync`'s own options (checked when the module is declared). */
export function refuseUnknownAsyncKeys(options: ScopegateModuleAsyncOptions): void {
  refuseUnknownKeys(options, ASYNC_OPTION_KEYS, "ScopegateModule.forRootAsync()");
}

/** Refuses unknown keys in what `forRootAsync`'s factory resolved (checked at start-up). */
export function refuseUnknownFactoryKeys(options: ScopegateOptions): ScopegateOptions {
  refuseUnknownVerifierKeys(options, "ScopegateModule.forRootAsync() factory result", GUARD_OPTION_KEYS);
  return options;
}
