// @ts-check
export {
  CALENDAR_SCOPES,
  ConfigError,
  namingVariables,
  RESOURCE_METADATA_PATH,
  readConfig,
  verifierOptions,
} from "./config.js";
export { createEventStore } from "./events.js";
export { announceListening, closeServer, exitWithConfigError, handleSignals } from "./lifecycle.js";
export { resolvePublicUrl } from "./public-url.js";
export { connectSharedState } from "./shared-state.js";
