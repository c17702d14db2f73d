/** Escaped characters stand aside (as private-use code points) while the markers are removed. */
const ESCAPED = /\\([\\`*_{}[\]()#+\-.!~>|])/g;
const ASIDE = 0xe000;

/**
 * Markdown as the plain words it shows (pure), for one-line labels such as a session's title (its
 * first prompt, untrusted and often cut short): emphasis, code, strike-through, link and image
 * syntax, headings, quotes and list markers are dropped, backslash escapes resolved, spaces
 * collapsed and empty lines dropped (HTML shows the line breaks left as spaces; a terminal marks them). The result is still text for the caller to show as text, never HTML.
 * Markers of emphasis cut in half by the truncation (`say **Hel…`) go too; `snake_case` and
 * `2 * 3` stay as they are. Only the first 2,000 characters are read: enough for any label, and
 * a hostile title cannot make the patterns slow.
 *
 * @example
 * ```ts
 * plainText("say **Hello** from `main.ts`"); // "say Hello from main.ts"
 * plainText("# Fix [the bug](https://x.test/1)\n\n- in _parser_"); // "Fix the bug\nin parser"
 * ```
 */
export function plainText(markdown: string): string {
  return markdown
    .slice(0, 2000)
    .replace(ESCAPED, (_, char: string) => String.fromCharCode(ASIDE + char.charCodeAt(0)))
    .split(/\r?\n/)
    .map((line) =>
      line
        .replace(/^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,9}[.)]\s+)+/, "")
        .replace(/!?\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g, "$1")
        .replace(/`+/g, "")
        .replace(/(^|[\s([{"'])(?:\*{1,3}|_{1,3}|~~)(?=\S)/g, "$1")
        .replace(/(?<=\S)(?:\*{1,3}|_{1,3}|~~)(?=$|[\s)\]}"'.,;:!?…])/g, ""),
    )
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line !== "")
    .join("\n")
    .replace(/[\ue000-\ue07f]/g, (char) => String.fromCharCode(char.charCodeAt(0) - ASIDE));
}
