// Serves a built site from a folder on 127.0.0.1 and an ephemeral port, as a static host would:
// `/x` and `/x/` find `x.html` and `x/index.html`, anything else missing gets 404.html.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".png": "image/png",
};

function resolveFile(dir, pathname) {
  const path = normalize(join(dir, decodeURIComponent(pathname)));
  if (!path.startsWith(dir)) return null;
  for (const candidate of [path, `${path}.html`, join(path, "index.html")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Starts the server; resolves `{ url, close() }`. */
export function serveStatic(dir) {
  const server = createServer((request, response) => {
    const file = resolveFile(dir, new URL(request.url ?? "/", "http://localhost").pathname);
    const status = file ? 200 : 404;
    const body = readFileSync(file ?? join(dir, "404.html"));
    response.writeHead(status, {
      "content-type": TYPES[extname(file ?? ".html")] ?? "application/octet-stream",
    });
    response.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}
