import type { TestAlgorithm } from "./algorithms.js";
import type { TestKey, TestPublicJwk } from "./keys.js";

/** What `rotateKeys()` does with the keys it replaces. */
export interface RotateKeysOptions {
  /**
   * Keep the previous keys published (as an authorization server does during a rotation) until
   * `retireOldKeys()`. `false` unpublishes them at once. Default: `true`.
   */
  keepOld?: boolean;
  /** Algorithm of the new key. Default: the algorithm of the current key. */
  algorithm?: TestAlgorithm;
}

/** The public key set an authority serves: `{ keys: [...] }`. */
export interface TestJwks {
  keys: TestPublicJwk[];
}

/**
 * The authority's keys: one current signing key, the keys still published, and every key it ever
 * had (so tests can sign with a retired key and prove it is refused).
 */
export class KeyRing {
  #current: TestKey;
  #published: TestKey[];
  readonly #all = new Map<string, TestKey>();

  constructor(first: TestKey) {
    this.#current = first;
    this.#published = [first];
    this.#all.set(first.kid, first);
  }

  get current(): TestKey {
    return this.#current;
  }

  /** Makes `next` the signing key; the old ones stay published unless `keepOld` is `false`. */
  rotate(next: TestKey, keepOld = true): void {
    this.#all.set(next.kid, next);
    this.#published = keepOld ? [next, ...this.#published.filter((k) => k.kid !== next.kid)] : [next];
    this.#current = next;
  }

  /** Unpublishes every key but the current one. Returns the kids it removed. */
  retireOld(): string[] {
    const retired = this.#published.filter((k) => k !== this.#current).map((k) => k.kid);
    this.#published = [this.#current];
    return retired;
  }

  /** Any key this ring ever held, published or retired. */
  get(kid: string): TestKey | undefined {
    return this.#all.get(kid);
  }

  isPublished(kid: string): boolean {
    return this.#published.some((k) => k.kid === kid);
  }

  /** A fresh copy of the public JWKS. */
  jwks(): TestJwks {
    return { keys: this.#published.map((k) => ({ ...k.publicJwk })) };
  }
}
