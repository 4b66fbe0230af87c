import { Controller, Get, Inject, Options, Req, Res, type Type } from "@nestjs/common";
import { HttpAdapterHost, ModulesContainer } from "@nestjs/core";
import {
  createResourceMetadata,
  type ResourceMetadata,
  type ResourceMetadataOptions,
  type ScopeRequirement,
  type Verifier,
} from "@scopegate/core";
import { Public, type RouteAccess, SCOPEGATE_ACCESS_METADATA } from "./access.js";
import { SCOPEGATE_VERIFIER } from "./tokens.js";

/** `ScopegateModule`'s `resourceMetadata` option. */
export interface ScopegateResourceMetadataOptions extends ResourceMetadataOptions {
  /**
   * Where to serve the document. Known when the module is declared (routes are), so it is not read
   * from the verifier: give the well-known path of your `resource` when it has a path.
   * Default: `"/.well-known/oauth-protected-resource"`.
   */
  path?: string;
}

const reflect = Reflect as unknown as { getOwnMetadata(key: string, target: object): unknown };

function scopesOf(access: unknown, into: Set<string>): void {
  const requirements = (access as RouteAccess | undefined)?.requirements ?? [];
  for (const requirement of requirements as readonly ScopeRequirement[]) {
    for (const scope of "allOf" in requirement ? requirement.allOf : requirement.anyOf) into.add(scope);
  }
}

/** Every scope named by `@RequireScopes()` / `@RequireAnyScope()` on the application's controllers and routes. */
export function collectRouteScopes(modules: ModulesContainer): string[] {
  const scopes = new Set<string>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (typeof controller !== "function") continue;
      scopesOf(reflect.getOwnMetadata(SCOPEGATE_ACCESS_METADATA, controller), scopes);
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const method = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value as unknown;
        if (typeof method === "function")
          scopesOf(reflect.getOwnMetadata(SCOPEGATE_ACCESS_METADATA, method), scopes);
      }
    }
  }
  return [...scopes];
}

/**
 * A controller serving the verifier's RFC 9728 metadata at `options.path`, public even under a global
 * guard. `scopes_supported` lists `options.scopesSupported`, else every scope the routes require.
 */
export function createResourceMetadataController(options: ScopegateResourceMetadataOptions): Type {
  const { path = "/.well-known/oauth-protected-resource", ...documentOptions } = options;
  if (typeof path !== "string" || !path.startsWith("/"))
    throw new TypeError(
      "scopegate: invalid option `resourceMetadata.path`: expected a path starting with `/`.",
    );

  @Controller()
  class ScopegateResourceMetadataController {
    #metadata: ResourceMetadata | undefined;

    constructor(
      @Inject(SCOPEGATE_VERIFIER) private readonly verifier: Verifier,
      @Inject(ModulesContainer) private readonly modules: ModulesContainer,
      @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    ) {}

    /** Built on first use, once every module's controllers are known. */
    get metadata(): ResourceMetadata {
      this.#metadata ??= createResourceMetadata(this.verifier, {
        ...documentOptions,
        scopesSupported: documentOptions.scopesSupported ?? collectRouteScopes(this.modules),
      });
      return this.#metadata;
    }

    @Get(path)
    @Public()
    get(@Req() request: { method?: string }, @Res() response: unknown): void {
      this.send(request.method, response);
    }

    @Options(path)
    @Public()
    preflight(@Res() response: unknown): void {
      this.send("OPTIONS", response);
    }

    private send(method: string | undefined, response: unknown): void {
      const { status, headers, body } = this.metadata.respond(method);
      const adapter = this.adapterHost.httpAdapter;
      for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
      adapter.reply(response, body, status);
    }
  }
  return ScopegateResourceMetadataController;
}
