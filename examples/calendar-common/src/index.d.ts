import type { Server as HttpServer } from "node:http";
import type { Server as NetServer } from "node:net";
import type { JwksStore, ReplayStore } from "@scopegate/core";

/** The calendar service's settings (../../../shared/conformance.md, "Where and how it starts"). */
export interface Config {
  /** Expected `iss`, and the base for discovery (`ISSUER`). */
  issuer: string;
  /** Expected `aud` values (`AUDIENCE`, comma-separated). */
  audience: string[];
  /** Where the keys are (`JWKS_URI`); discovered from `issuer` when absent. */
  jwksUri: string | undefined;
  /** Listen address (`HOST`). Default: `127.0.0.1`. */
  host: string;
  /** Listen port (`PORT`); 0 picks a free one. Default: 3000. */
  port: number;
  /** Where state shared by several instances lives (`REDIS_URL`). Default: unset (in process). */
  redisUrl: string | undefined;
  /** The origin clients use (`PUBLIC_URL`); `resolvePublicUrl` fills in the default `http://HOST:PORT`. */
  publicUrl: string | undefined;
  /** The resource identifier published in the RFC 9728 metadata (`RESOURCE`). Default: the public URL. */
  resource: string | undefined;
  /** RFC 7662 introspection of tokens that are not JWTs (`INTROSPECTION_*`). Default: unset (JWTs only). */
  introspection: IntrospectionConfig | undefined;
  /** HTTPS (`TLS_CERT`, `TLS_KEY`, and `TLS_CA` for client certificates); `null` for HTTP. */
  tls: TlsConfig | null;
  /** How DPoP is treated (`DPOP`). Default: `"allowed"`. */
  dpop: DpopMode;
  /**
   * Check new tokens' signatures on libuv's thread pool (`OFFLOAD_SIGNATURES=true`; scopegate's
   * `offloadSignatures`). Not part of the calendar contract. Default: `false`.
   */
  offloadSignatures: boolean;
}

/** The values of `DPOP`. */
export type DpopMode = "allowed" | "required" | "disabled";

/** `INTROSPECTION_ENDPOINT`, `INTROSPECTION_CLIENT_ID`, `INTROSPECTION_CLIENT_SECRET`. */
export interface IntrospectionConfig {
  endpoint: string;
  clientId: string;
  clientSecret: string;
}

/** The TLS settings, as PEM text read from the files the variables name. */
export interface TlsConfig {
  cert: string;
  key: string;
  /** The CA whose client certificates are asked for (`TLS_CA`); `undefined`: none asked for. */
  ca: string | undefined;
}

/** State that several instances share through Redis (`REDIS_URL`). */
export interface SharedState {
  jwksStore: JwksStore;
  /** Where DPoP proofs' `jti` are remembered, for every instance. */
  replayStore: ReplayStore;
  close(): Promise<void>;
}

export type CalendarEvent = Record<string, unknown> & { id: string };

export interface EventStore {
  list(): CalendarEvent[];
  create(fields: Record<string, unknown>): CalendarEvent;
  remove(id: string): void;
}

/** The verifier options every calendar example passes to its adapter. */
export interface CalendarVerifierOptions {
  issuer: string;
  audience: string[];
  jwksUri?: string;
  jwks?: { store: JwksStore };
  resource: string;
  resourceMetadataUrl: string;
  introspection?: IntrospectionConfig;
  dpop: { mode: DpopMode; publicUrl: string; replayStore?: ReplayStore };
  offloadSignatures?: boolean;
}

/** The calendar's five scopes, published as `scopes_supported`. */
export declare const CALENDAR_SCOPES: readonly string[];
/** `/.well-known/oauth-protected-resource`. */
export declare const RESOURCE_METADATA_PATH: string;
/** The settings with a real port (a free one for `PORT=0`) and the public URL filled in. */
/** The settings `resolvePublicUrl` reads: a calendar's `Config`, or any service's with these four. */
export type PublicUrlSettings = Pick<Config, "host" | "port" | "publicUrl" | "tls">;
export declare function resolvePublicUrl<C extends PublicUrlSettings>(
  config: C,
): Promise<C & { port: number; publicUrl: string }>;

export declare class ConfigError extends Error {}
export declare function readConfig(env: Record<string, string | undefined>): Config;
export declare function verifierOptions(config: Config, shared?: SharedState | null): CalendarVerifierOptions;
export declare function connectSharedState(config: Config): Promise<SharedState | null>;
export declare function namingVariables(message: string): string;
/** Options for `https.createServer()`, Nest's `httpsOptions` and Fastify's `https`. */
export interface HttpsSettings {
  cert: string;
  key: string;
  ca?: string;
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
}
export declare function httpsOptions(tls: TlsConfig): HttpsSettings;
export declare function createNodeServer(
  config: Config,
  listener: import("node:http").RequestListener,
): HttpServer;
export declare function createEventStore(): EventStore;
export declare function handleSignals(): (stop: () => Promise<void>) => void;
export declare function exitWithConfigError(name: string, error: unknown): never;
export declare function announceListening(
  server: NetServer,
  config: { host: string; port: number; tls?: TlsConfig | null },
  options?: { tls?: boolean },
): void;
export declare function closeServer(server: HttpServer): Promise<void>;

/** A listening service: its server (for the `listening on` line) and how to stop it. */
export interface RunningServer {
  server: NetServer;
  close(): Promise<void>;
}

/** What an example tells `runCalendar` about its framework. */
/** Whether the service asks clients for a certificate (TLS with TLS_CA): certificate-bound tokens can be used. */
export declare function asksForClientCertificates(config: Config): boolean;

export interface CalendarFramework<App> {
  /** Builds the app from the calendar's verifier options; a thrown error is a bad setting (exit 2). */
  build(options: CalendarVerifierOptions, config: Config & { publicUrl: string }): App | Promise<App>;
  /** Starts listening on `config.host`/`config.port`; a rejection ends the process with exit code 2. */
  listen(app: App, config: Config & { publicUrl: string }): Promise<RunningServer>;
}

/**
 * Runs a calendar service: settings from the environment, shared state, `build`, `listen`, the
 * `listening on` line, exit code 2 on a bad setting, exit 0 within 2 s on SIGTERM.
 */
export declare function runCalendar<App>(
  name: string,
  load: () => Promise<CalendarFramework<App>>,
): Promise<void>;
/** Listens with a Node HTTP(S) server; resolves once it accepts connections. */
export declare function listenNode(
  server: HttpServer,
  config: { host: string; port: number },
): Promise<RunningServer>;
export { authHealth } from "./auth-health.js";
export {
  type Failure,
  failure,
  failureForStatus,
  NOT_AN_OBJECT,
  NOT_FOUND,
  NOT_JSON,
  SERVER_ERROR,
} from "./failures.js";

export { calendarMetadataOptions } from "./resource-metadata.js";
