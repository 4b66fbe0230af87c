import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FetchLike, fetchJson, globalFetch, RemoteFetchError } from "../src/keys/fetch-json.js";
import { hang, json, raw, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const defaults = {
  fetch: globalFetch,
  timeoutMs: 2_000,
  maxResponseBytes: 64 * 1024,
  maxRedirects: 3,
  accept: "application/json",
};

async function failure(url: string, options: Partial<typeof defaults> = {}): Promise<RemoteFetchError> {
  const error = await fetchJson(url, { ...defaults, ...options }).then(
    () => {
      throw new Error("expected the fetch to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RemoteFetchError);
  return error as RemoteFetchError;
}

function redirect(to: string, status = 302) {
  return raw("", status, { location: to });
}

describe("fetchJson", () => {
  it("returns the JSON object a 200 answer carries", async () => {
    server.route("/doc", json({ keys: [] }));
    const result = await fetchJson(`${server.origin}/doc`, defaults);
    expect(result).toEqual({ url: `${server.origin}/doc`, body: { keys: [] } });
  });

  it("accepts application/jwk-set+json and a body without a content type", async () => {
    server.route("/set", raw('{"a":1}', 200, { "content-type": "application/jwk-set+json; charset=utf-8" }));
    server.route("/none", raw('{"b":2}', 200, {}));
    expect((await fetchJson(`${server.origin}/set`, defaults)).body).toEqual({ a: 1 });
    expect((await fetchJson(`${server.origin}/none`, defaults)).body).toEqual({ b: 2 });
  });

  it("refuses a non-https URL off loopback without sending anything", async () => {
    let calls = 0;
    const spy: FetchLike = async (input, init) => {
      calls++;
      return globalFetch(input, init);
    };
    const error = await failure("http://jwks.example.com/keys", { fetch: spy });
    expect(error.code).toBe("ERR_FETCH_URL");
    expect(calls).toBe(0);
    expect((await failure("file:///etc/passwd", { fetch: spy })).code).toBe("ERR_FETCH_URL");
    expect((await failure("https://user:pw@jwks.example.com/keys", { fetch: spy })).code).toBe(
      "ERR_FETCH_URL",
    );
    expect(calls).toBe(0);
  });

  it("follows up to maxRedirects redirects by hand, each checked", async () => {
    server.route("/r1", redirect("/r2", 301));
    server.route("/r2", redirect(`${server.origin}/r3`, 307));
    server.route("/r3", redirect("/final", 308));
    server.route("/final", json({ ok: true }));
    const result = await fetchJson(`${server.origin}/r1`, defaults);
    expect(result).toEqual({ url: `${server.origin}/final`, body: { ok: true } });
  });

  it("fails with ERR_FETCH_REDIRECT past maxRedirects", async () => {
    server.route("/r1", redirect("/r2"));
    server.route("/r2", redirect("/final"));
    server.route("/final", json({ ok: true }));
    const error = await failure(`${server.origin}/r1`, { maxRedirects: 1 });
    expect(error.code).toBe("ERR_FETCH_REDIRECT");
    expect(server.hits("/final")).toBe(0);
  });

  it("fails a redirect loop at the first repeated URL", async () => {
    server.route("/a", redirect("/b"));
    server.route("/b", redirect("/a"));
    const error = await failure(`${server.origin}/a`, { maxRedirects: 10 });
    expect(error.code).toBe("ERR_FETCH_REDIRECT");
    expect(server.log).toEqual(["/a", "/b"]);
  });

  it("refuses a redirect to plain http off loopback, or without a Location", async () => {
    let calls = 0;
    const spy: FetchLike = async (input, init) => {
      calls++;
      return globalFetch(input, init);
    };
    server.route("/downgrade", redirect("http://jwks.example.com/keys"));
    server.route("/nowhere", raw("", 302, {}));
    expect((await failure(`${server.origin}/downgrade`, { fetch: spy })).code).toBe(
      "ERR_FETCH_REDIRECT_REFUSED",
    );
    expect(calls).toBe(1);
    expect((await failure(`${server.origin}/nowhere`)).code).toBe("ERR_FETCH_REDIRECT");
  });

  it("refuses the answer of a fetch that followed a redirect to plain http off loopback by itself", async () => {
    const following: FetchLike = async () => {
      const response = new Response('{"keys":[]}', { headers: { "content-type": "application/json" } });
      Object.defineProperty(response, "redirected", { value: true });
      Object.defineProperty(response, "url", { value: "http://jwks.example.com/keys" });
      return response;
    };
    expect((await failure("https://as.example.com/keys", { fetch: following })).code).toBe(
      "ERR_FETCH_REDIRECT_REFUSED",
    );
  });

  it("fails with ERR_FETCH_STATUS and the status for anything but 200", async () => {
    server.route("/gone", json({ error: "x" }, 500));
    const error = await failure(`${server.origin}/gone`);
    expect(error.code).toBe("ERR_FETCH_STATUS");
    expect(error.status).toBe(500);
    expect((await failure(`${server.origin}/missing`)).status).toBe(404);
  });

  it("refuses a non-JSON content type before reading the body", async () => {
    server.route("/html", raw("<html>login</html>", 200, { "content-type": "text/html" }));
    expect((await failure(`${server.origin}/html`)).code).toBe("ERR_FETCH_CONTENT_TYPE");
  });

  it("fails with ERR_FETCH_JSON on a body that is not a JSON object", async () => {
    server.route("/garbage", raw("{not json", 200, { "content-type": "application/json" }));
    server.route("/array", json([1, 2]));
    server.route("/null", json(null));
    server.route("/latin1", raw(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 200, {}));
    server.route("/empty", raw("", 200, { "content-type": "application/json" }));
    for (const path of ["/garbage", "/array", "/null", "/latin1", "/empty"]) {
      expect((await failure(`${server.origin}${path}`)).code).toBe("ERR_FETCH_JSON");
    }
  });

  it("refuses a body whose Content-Length exceeds the bound", async () => {
    server.route(
      "/big",
      raw(`{"pad":"${"x".repeat(100_000)}"}`, 200, { "content-type": "application/json" }),
    );
    expect((await failure(`${server.origin}/big`)).code).toBe("ERR_FETCH_TOO_LARGE");
  });

  it("cuts a 50 MB streamed body off at the bound instead of downloading it", async () => {
    const total = 50 * 1024 * 1024;
    let written = 0;
    const finished = new Promise<void>((resolve) => {
      server.route("/huge", (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (written < total && !res.destroyed) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("close", () => resolve());
        pump();
      });
    });
    expect((await failure(`${server.origin}/huge`)).code).toBe("ERR_FETCH_TOO_LARGE");
    await finished;
    expect(written).toBeLessThan(total / 4);
  });

  it("counts the decoded size, so a small gzip bomb is cut off too", async () => {
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
    server.route("/bomb", raw(bomb, 200, { "content-type": "application/json", "content-encoding": "gzip" }));
    expect(bomb.length).toBeLessThan(defaults.maxResponseBytes);
    expect((await failure(`${server.origin}/bomb`)).code).toBe("ERR_FETCH_TOO_LARGE");
  });

  it("times out when no answer comes", async () => {
    server.route("/hang", hang);
    expect((await failure(`${server.origin}/hang`, { timeoutMs: 100 })).code).toBe("ERR_FETCH_TIMEOUT");
  });

  it("times out when the body stalls after the headers", async () => {
    server.route("/stall", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"keys":');
    });
    expect((await failure(`${server.origin}/stall`, { timeoutMs: 150 })).code).toBe("ERR_FETCH_TIMEOUT");
  });

  it("times out even with a fetch that ignores its abort signal", async () => {
    const deaf: FetchLike = () => new Promise<Response>(() => {});
    expect((await failure(`${server.origin}/x`, { fetch: deaf, timeoutMs: 50 })).code).toBe(
      "ERR_FETCH_TIMEOUT",
    );
  });

  it("reports a refused connection as ERR_FETCH_NETWORK", async () => {
    const closed = await startServer();
    const origin = closed.origin;
    await closed.close();
    const error = await failure(`${origin}/keys`);
    expect(error.code).toBe("ERR_FETCH_NETWORK");
    expect(error.cause).toBeDefined();
  });

  it("reports a fetch that throws as ERR_FETCH_NETWORK", async () => {
    const broken: FetchLike = async () => {
      throw new Error("proxy refused");
    };
    expect((await failure(`${server.origin}/x`, { fetch: broken })).code).toBe("ERR_FETCH_NETWORK");
  });

  it("sends the Accept header it is given and plain GETs through the injected fetch", async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const viaProxy: FetchLike = async (input, init) => {
      seen.push({ url: input, init });
      return new Response('{"ok":1}', { headers: { "content-type": "application/json" } });
    };
    const result = await fetchJson("https://jwks.example.com/keys", {
      ...defaults,
      fetch: viaProxy,
      accept: "application/jwk-set+json",
    });
    expect(result.body).toEqual({ ok: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe("https://jwks.example.com/keys");
    expect(seen[0]!.init?.method).toBe("GET");
    expect(seen[0]!.init?.redirect).toBe("manual");
    expect(seen[0]!.init?.headers).toEqual({ accept: "application/jwk-set+json" });
  });
});
