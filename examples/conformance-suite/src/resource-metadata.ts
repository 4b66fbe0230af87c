import { expect } from "vitest";

/**
 * Asserts what an adapter's RFC 9728 metadata helper answers at `url` (core's answers, as the
 * framework sends them): GET from a browser origin gives `document` as JSON with `Cache-Control:
 * public, max-age=3600` and `Access-Control-Allow-Origin: *`; HEAD the same headers without a body;
 * OPTIONS a CORS preflight (204); POST 405 with `Allow`.
 */
export async function expectResourceMetadataAnswers(url: string, document: object): Promise<void> {
  const get = await fetch(url, { headers: { origin: "https://app.example.com" } });
  expect(get.status).toBe(200);
  expect(get.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(get.headers.get("cache-control")).toBe("public, max-age=3600");
  expect(get.headers.get("access-control-allow-origin")).toBe("*");
  expect(await get.json()).toEqual(document);
  const head = await fetch(url, { method: "HEAD" });
  expect([head.status, head.headers.get("cache-control"), await head.text()]).toEqual([
    200,
    "public, max-age=3600",
    "",
  ]);
  const preflight = await fetch(url, { method: "OPTIONS" });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
  expect(preflight.headers.get("access-control-allow-methods")).toBe("GET, HEAD, OPTIONS");
  const post = await fetch(url, { method: "POST" });
  expect(post.status).toBe(405);
  expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
}
