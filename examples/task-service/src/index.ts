export {
  type CalendarClient,
  type CalendarEvent,
  type CalendarRequest,
  type CalendarResponse,
  callCalendar,
  createCalendarClient,
} from "./calendar-client.js";
export {
  runScenario,
  type ScenarioOptions,
  type ScenarioResult,
  type ScenarioStep,
  signingKeyOf,
} from "./scenario.js";
export { AccessToken, createTokenSource, type TokenSource, type TokenSourceOptions } from "./token-source.js";
