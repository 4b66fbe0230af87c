import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The folders of src/, bottom to top: a file may import from its own folder and from folders below
// it, never from one above (src/ itself, holding the verifier and the public index, is the top).
const LAYERS = [
  "base",
  "events",
  "http",
  "keys",
  "token",
  "signature",
  "introspection",
  "binding",
  "options",
  "presets",
  ".",
];

const src = join(dirname(fileURLToPath(import.meta.url)), "..", "src");
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
const layerOf = (file: string): string => {
  const parts = relative(src, file).split("/");
  return parts.length === 1 ? "." : (parts[0] as string);
};

describe("core source layout", () => {
  const files = walk(src).filter((file) => file.endsWith(".ts"));

  it("puts every source file in a known folder", () => {
    const unknown = files.map(layerOf).filter((layer) => !LAYERS.includes(layer));
    expect(unknown).toEqual([]);
  });

  it("has no import from a folder above the importing one", () => {
    const upward: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/from\s+["'](\.{1,2}\/[^"']+)["']/g)) {
        const target = resolve(dirname(file), match[1] as string);
        if (LAYERS.indexOf(layerOf(target)) > LAYERS.indexOf(layerOf(file))) {
          upward.push(`${relative(src, file)} -> ${relative(src, target)}`);
        }
      }
    }
    expect(upward).toEqual([]);
  });
});
