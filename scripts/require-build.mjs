#!/usr/bin/env node
// Run by each package's `prepack`, after its build: refuses to pack (exit 1) unless every file the
// package.json points at (`main`, `module`, `types`, every `exports` target) exists, so a tarball
// never ships without its build output. Run from the package's folder.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Every file a manifest's entry fields name (`exports` patterns with `*` are skipped). */
export function entryFiles(manifest) {
  const found = [];
  const walk = (value) => {
    if (typeof value === "string") {
      if (!value.includes("*")) found.push(value.startsWith("./") ? value : `./${value}`);
    } else if (value !== null && typeof value === "object") {
      for (const nested of Object.values(value)) walk(nested);
    }
  };
  for (const field of ["main", "module", "types", "typings", "bin", "exports"]) walk(manifest[field]);
  return [...new Set(found)];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = process.cwd();
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const missing = entryFiles(manifest).filter((path) => !existsSync(join(dir, path)));
  if (missing.length > 0) {
    process.stderr.write(
      `${manifest.name}: refusing to pack without its build output; missing ${missing.join(", ")}. Run \`pnpm build\`.\n`,
    );
    process.exit(1);
  }
}
