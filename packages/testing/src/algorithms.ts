/** Signature algorithms a test authority can sign with: the asymmetric ones scopegate verifies. */
export const TEST_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

export type TestAlgorithm = (typeof TEST_ALGORITHMS)[number];

/** The algorithm used when none is asked for. */
export const DEFAULT_TEST_ALGORITHM: TestAlgorithm = "RS256";

export function isTestAlgorithm(value: unknown): value is TestAlgorithm {
  return typeof value === "string" && (TEST_ALGORITHMS as readonly string[]).includes(value);
}

/** Throws a `TypeError` naming `option` unless `value` is a supported algorithm. */
export function checkAlgorithm(option: string, value: unknown): TestAlgorithm {
  if (!isTestAlgorithm(value)) {
    throw new TypeError(
      `@scopegate/testing: invalid option \`${option}\`: expected one of ${TEST_ALGORITHMS.join(", ")}; got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
