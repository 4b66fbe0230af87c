// @ts-check
export {
  CALENDAR_API,
  CALENDAR_SCOPES,
  demoClients,
  demoIntrospectionClients,
  demoOptions,
} from "./demo-config.js";
export { generateSigningKey } from "./keys.js";
export { startAuthorizationServer } from "./server.js";
