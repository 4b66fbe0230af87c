// @ts-check
export { callCalendar, createCalendarClient } from "./calendar-client.js";
export { runScenario, signingKeyOf } from "./scenario.js";
export { AccessToken, createTokenSource } from "./token-source.js";
