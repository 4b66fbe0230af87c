import type { VerifiedToken } from "../base/types.js";

/**
 * `request.auth` without a property added to each request, for adapters of Express-based servers
 * (Express, Nest on Express). Express gives every request its app's request prototype (`app.request`,
 * the one with an own `app`), and V8 then takes microseconds to add each new property to a request;
 * an accessor defined once on that prototype costs nothing per request.
 *
 * The function returned makes `request.auth` read `tokenOf(request)` and answers `true`; it answers
 * `false`, touching nothing, for a request without an Express prototype, or whose prototype has an
 * `auth` of someone else's: the caller sets the property itself then. A value app code assigns to
 * `request.auth` becomes an own property, as it would without the accessor; one assigned before the
 * call is removed, so that the accessor shows the token.
 */
export function createAuthAccessor(
  tokenOf: (request: object) => VerifiedToken | undefined,
): (request: object) => boolean {
  const defined = new WeakSet<object>();
  /** The last prototype the accessor was defined on: almost every request has the same one. */
  let last: object | undefined;

  const define = (proto: object | null): boolean => {
    if (proto === null || !Object.hasOwn(proto, "app")) return false;
    if (Object.hasOwn(proto, "auth")) return defined.has(proto);
    Object.defineProperty(proto, "auth", {
      configurable: true,
      enumerable: false,
      get(this: object): VerifiedToken | undefined {
        return tokenOf(this);
      },
      set(this: object, value: unknown) {
        Object.defineProperty(this, "auth", { value, writable: true, configurable: true, enumerable: true });
      },
    });
    defined.add(proto);
    return true;
  };

  return (request) => {
    const proto: object | null = Object.getPrototypeOf(request);
    if (proto !== last) {
      if (!define(proto)) return false;
      last = proto as object;
    }
    if (Object.hasOwn(request, "auth")) delete (request as { auth?: unknown }).auth;
    return true;
  };
}
