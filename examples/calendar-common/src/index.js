// @ts-check
export { authHealth } from "./auth-health.js";
export {
  asksForClientCertificates,
  CALENDAR_SCOPES,
  ConfigError,
  httpsOptions,
  namingVariables,
  RESOURCE_METADATA_PATH,
  readConfig,
  verifierOptions,
} from "./config.js";
export { createEventStore } from "./events.js";
export {
  failure,
  failureForStatus,
  NOT_AN_OBJECT,
  NOT_FOUND,
  NOT_JSON,
  SERVER_ERROR,
} from "./failures.js";
export {
  announceListening,
  closeServer,
  createNodeServer,
  exitWithConfigError,
  handleSignals,
} from "./lifecycle.js";
export { resolvePublicUrl } from "./public-url.js";
export { calendarMetadataOptions } from "./resource-metadata.js";
export { listenNode, runCalendar } from "./run-calendar.js";
export { connectSharedState } from "./shared-state.js";
