export { DEFAULT_TEST_ALGORITHM, TEST_ALGORITHMS, type TestAlgorithm } from "./algorithms.js";
export { createTestAuthority, DEFAULT_TEST_AUDIENCE, DEFAULT_TEST_ISSUER } from "./authority.js";
export { type BadTokens, UNRELATED_SCOPE, WRONG_AUDIENCE, WRONG_ISSUER } from "./bad-tokens.js";
export { createTestCertificates, type TestCertificates } from "./certificate-set.js";
export {
  createTestCertificateAuthority,
  type IssueCertificateOptions,
  type IssueServerCertificateOptions,
  type TestCertificate,
  type TestCertificateAuthority,
  type TestCertificateAuthorityOptions,
  type TestHttpsServerOptions,
} from "./certificates.js";
export {
  accessTokenHash,
  type BadDpopProofs,
  createDpopKey,
  type DpopKey,
  type DpopProofOptions,
} from "./dpop.js";
export type { GarbageKind, SimulatedMode, SimulateOptions } from "./faults.js";
export {
  DEFAULT_INTROSPECTION_CLIENT_ID,
  DEFAULT_INTROSPECTION_CLIENT_SECRET,
  type IntrospectionClient,
  type OpaqueTokenOptions,
} from "./introspection.js";
export type { ListenOptions } from "./jwks-server.js";
export type { RotateKeysOptions, TestJwks } from "./key-ring.js";
export type { TestPublicJwk } from "./keys.js";
export type { TestFetch } from "./memory-fetch.js";
export type { AuthorityEndpoint } from "./metadata.js";
export { DEFAULT_EXPIRES_IN_SEC, DEFAULT_TEST_CLIENT_ID, type MintOptions } from "./mint.js";
export { PRODUCTION_WARNING_CODE } from "./production-guard.js";
export { proxyCertificateHeaders, type TestProxyKind } from "./proxy-headers.js";
export type {
  RotatedKey,
  TestAuthority,
  TestAuthorityOptions,
  TestAuthorityServer,
  TestIntrospectionOptions,
  TestVerifierOptions,
} from "./types.js";
