// @ts-check
export { ConfigError, namingVariables, readConfig, verifierOptions } from "./config.js";
export { createEventStore } from "./events.js";
export { announceListening, closeServer, exitWithConfigError, handleSignals } from "./lifecycle.js";
export { connectSharedState } from "./shared-state.js";
