/**
 * Claude's text as markdown, made safe: marked renders it with raw HTML shown as text and images
 * shown as their description (nothing is fetched), then DOMPurify keeps only formatting tags and
 * `href`/`title`; links survive only as absolute http(s) URLs, opened in a new tab with
 * `rel="noopener noreferrer"`. Returns TrustedHTML where the browser has Trusted Types (the
 * relay's CSP allows no other source of HTML).
 *
 * @example
 * ```ts
 * const html = renderMarkdown("**bold** [x](javascript:alert(1)) <script>alert(1)</script>");
 * // <p><strong>bold</strong> <a>x</a> &lt;script&gt;alert(1)&lt;/script&gt;</p>
 * ```
 */
import DOMPurify from "dompurify";
import { Marked } from "marked";
import type { TrustedHTML } from "trusted-types/lib/index.js";

const ALLOWED_TAGS = [
  "a",
  "p",
  "br",
  "hr",
  "em",
  "strong",
  "del",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "span",
];
const ALLOWED_ATTR = ["href", "title", "align", "start"];

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ text }) => escapeHtml(text ? `[image: ${text}]` : "[image]"),
    checkbox: ({ checked }) => (checked ? "☑ " : "☐ "),
  },
});

let purifier: ReturnType<typeof DOMPurify> | undefined;

function purify(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName !== "A") return;
    const href = node.getAttribute("href") ?? "";
    if (!/^https?:\/\/[^\s]/i.test(href)) return node.removeAttribute("href");
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  });
  return purifier;
}

/** Sanitized HTML: DOMPurify's TrustedHTML (a plain string inside where the browser has no Trusted Types). */
export type SafeHtml = TrustedHTML;

/** Sanitized HTML for `text` (see the module comment for what survives). */
export function renderMarkdown(text: string): SafeHtml {
  const html = marked.parse(text) as string;
  return purify().sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false, RETURN_TRUSTED_TYPE: true });
}
