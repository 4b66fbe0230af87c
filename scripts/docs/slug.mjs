// Heading anchors as GitHub makes them, so one `#anchor` works on GitHub and on the site
// (the VitePress config uses this too): lower case, punctuation dropped, each space a hyphen.
export function slugify(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a Markdown text's headings, with GitHub's -1, -2 … for repeated ones. */
export function headingAnchors(text, proseLines) {
  const seen = new Map();
  const anchors = new Set();
  for (const { content } of proseLines) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(content);
    if (!heading) continue;
    const base = slugify(plainText(heading[1]));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id);
  return anchors;
}

/** A heading's text as rendered: links become their text, code and emphasis marks go. */
export function plainText(markdown) {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*|__|\*|_)(.*?)\1/g, "$2");
}
