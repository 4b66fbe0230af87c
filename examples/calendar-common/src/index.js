// @ts-check
export { ConfigError, httpsOptions, namingVariables, readConfig, verifierOptions } from "./config.js";
export { createEventStore } from "./events.js";
export {
  announceListening,
  closeServer,
  createNodeServer,
  exitWithConfigError,
  handleSignals,
} from "./lifecycle.js";
export { connectSharedState } from "./shared-state.js";
