import { type ExecutionContext, Inject, Injectable } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { InvalidTokenError, type VerifiedToken, type Verifier } from "@scopegate/core";
import {
  type HttpRequest,
  type RouteAccess,
  SCOPEGATE_OPTIONS,
  SCOPEGATE_VERIFIER,
  ScopegateGuard,
  type ScopegateOptions,
} from "../../src/index.js";

/** The audience of the partner API, which only partner tokens name. */
export const PARTNER_AUDIENCE = "https://partner.scopegate.test";
/** Injection token of the partner guard's own verifier (same issuer, the partner audience). */
export const PARTNER_VERIFIER = Symbol("partner verifier");

/** A subclass with its own verifier: accepts only tokens for the partner audience. */
@Injectable()
export class PartnerGuard extends ScopegateGuard {
  constructor(
    @Inject(PARTNER_VERIFIER) verifier: Verifier,
    @Inject(SCOPEGATE_OPTIONS) options: ScopegateOptions,
    @Inject(Reflector) reflector: Reflector,
  ) {
    super(verifier, options, reflector);
  }
}

/** A subclass with its own `authenticate`: only the `billing` client gets through. */
@Injectable()
export class BillingClientGuard extends ScopegateGuard {
  protected override async authenticate(
    request: HttpRequest,
    credentialsRequired: boolean,
    context: ExecutionContext,
  ): Promise<VerifiedToken | undefined> {
    const token = await super.authenticate(request, credentialsRequired, context);
    if (token?.clientId !== "billing") throw new InvalidTokenError("ERR_TOKEN_CLIENT");
    return token;
  }
}

/** The module's verifier, with options of its own: credentials are required, whatever the module says. */
@Injectable()
export class CredentialsRequiredGuard extends ScopegateGuard {
  constructor(
    @Inject(SCOPEGATE_VERIFIER) verifier: Verifier,
    @Inject(SCOPEGATE_OPTIONS) options: ScopegateOptions,
    @Inject(Reflector) reflector: Reflector,
  ) {
    super(verifier, { ...options, credentialsRequired: true }, reflector);
  }
}

const ANY_VALID_TOKEN: RouteAccess = Object.freeze({
  public: false,
  optional: false,
  requirements: Object.freeze([]),
});

/** Same verifier, options, `authenticate` and `getRequest` as the module's guard; needs a token on every route. */
@Injectable()
export class AlwaysAuthenticatedGuard extends ScopegateGuard {
  protected override getAccess(): RouteAccess {
    return ANY_VALID_TOKEN;
  }
}

/** The connections of {@link ConnectionGuard}, by the `x-connection` header of their first request. */
const connections = new Map<string, HttpRequest>();

/**
 * Reads the request the way a WebSocket gateway or a GraphQL subscription does: every operation of a
 * connection hands the guard the same object, the connection's upgrade request with its headers.
 */
@Injectable()
export class ConnectionGuard extends ScopegateGuard {
  protected override getRequest(context: ExecutionContext): HttpRequest {
    const request = super.getRequest(context);
    const id = (request.headers as Record<string, string | undefined>)["x-connection"] ?? "";
    let connection = connections.get(id);
    if (connection === undefined) {
      connection = { headers: { ...(request.headers as Record<string, string>) } };
      connections.set(id, connection);
    }
    return connection;
  }
}
