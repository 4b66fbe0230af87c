export { type BehaviourTableOptions, type RunningApp, runBehaviourTable } from "./behaviour-table.js";
export { freePort, refusesConnections, runConformanceSuite } from "./calendar-suite.js";
export { runDpopBehaviourTable } from "./dpop-table.js";
export {
  type BearerFailureOptions,
  expectBearerFailure,
  expectJsonFailure,
  type ResponseLike,
} from "./expect-failure.js";
export { getOverTls, type TlsAnswer } from "./get-over-tls.js";
export { bearer, type CallOptions, call, type Method } from "./http.js";
export {
  pnpmCommand,
  type RunningExample,
  resolveStartCommand,
  runToExit,
  type StartCommand,
  spawnExample,
} from "./process.js";
export { expectResourceMetadataAnswers } from "./resource-metadata.js";
export { runCalendarSmoke, type StartedService } from "./smoke.js";
export { CREDENTIAL_CASES, type CredentialCase, type Credentials } from "./token-cases.js";
