import { type FetchJsonOptions, globalFetch } from "../../src/keys/fetch-json.js";

/** `fetchJson` options for tests over real HTTP: the global `fetch`, no redirects, generous time. */
export const fetchOptions: FetchJsonOptions = {
  fetch: globalFetch,
  timeoutMs: 10_000,
  maxResponseBytes: 65_536,
  maxRedirects: 0,
  accept: "application/json",
};
