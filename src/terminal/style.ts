/**
 * Colours and symbols for terminal output (pure), chosen the way command-line tools agree on:
 * `NO_COLOR` (any non-empty value) turns colours off, `FORCE_COLOR` turns them on (`0` or `false`:
 * off), otherwise colours only when the output is a terminal that is not `TERM=dumb`. Symbols
 * (✓ ✗ ● ⠋) are used unless the terminal cannot show them (`TERM=dumb` or `linux`, or a locale that
 * is not UTF-8); then ASCII stands in.
 *
 * @example
 * ```ts
 * const style = detectStyle(process.env, process.stdout.isTTY === true);
 * console.log(style.paint("green", `${style.symbols.ok} done`));
 * ```
 */

export type Colour = "red" | "green" | "yellow" | "blue" | "magenta" | "cyan" | "gray" | "bold" | "dim";

const CODES: Record<Colour, [open: number, close: number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
  dim: [2, 22],
};

export interface Symbols {
  ok: string;
  fail: string;
  claude: string;
  tool: string;
  result: string;
  prompt: string;
  ask: string;
  info: string;
  /** Spinner frames, shown one after another. */
  spinner: readonly string[];
}

const UNICODE: Symbols = {
  ok: "✓",
  fail: "✗",
  claude: "●",
  tool: "⏺",
  result: "⎿",
  prompt: "›",
  ask: "?",
  info: "·",
  spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
};
const ASCII: Symbols = { ok: "+", fail: "x", claude: "*", tool: "-", result: "|", prompt: ">", ask: "?", info: "-", spinner: ["|", "/", "-", "\\"] };

export interface Style {
  color: boolean;
  unicode: boolean;
  symbols: Symbols;
  /** `text` in `colours` (outermost first), or as it is without colour. */
  paint(colours: Colour | readonly Colour[], text: string): string;
}

/**
 * A style with colours on or off and Unicode or ASCII symbols.
 *
 * @example
 * makeStyle({ color: false, unicode: false }).paint("red", "x"); // "x"
 */
export function makeStyle(options: { color: boolean; unicode: boolean }): Style {
  const { color, unicode } = options;
  return {
    color,
    unicode,
    symbols: unicode ? UNICODE : ASCII,
    paint(colours, text) {
      if (!color || text === "") return text;
      const list = typeof colours === "string" ? [colours] : colours;
      return list.reduceRight((inner, name) => `\x1b[${CODES[name][0]}m${inner}\x1b[${CODES[name][1]}m`, text);
    },
  };
}

/**
 * The style for an output stream, from the environment.
 *
 * @example
 * detectStyle({ NO_COLOR: "1" }, true).color; // false
 */
export function detectStyle(env: Record<string, string | undefined>, isTTY: boolean): Style {
  return makeStyle({ color: wantsColour(env, isTTY), unicode: canShowUnicode(env) });
}

function wantsColour(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  return isTTY && env.TERM !== "dumb";
}

function canShowUnicode(env: Record<string, string | undefined>): boolean {
  if (env.TERM === "dumb" || env.TERM === "linux") return false;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || undefined;
  // No locale set: assume a modern UTF-8 terminal; "C"/"POSIX" or another charset: ASCII.
  return locale === undefined || /utf-?8/i.test(locale);
}
