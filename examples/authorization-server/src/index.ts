export { CALENDAR_API, CALENDAR_SCOPES, demoClients, demoOptions } from "./demo-config.js";
export { generateSigningKey, type PrivateSigningJwk } from "./keys.js";
export {
  type AuthorizationServer,
  type AuthorizationServerOptions,
  type ClientRegistration,
  type KeyRotation,
  startAuthorizationServer,
} from "./server.js";
