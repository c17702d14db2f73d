import { describe, expect, test } from "bun:test";
import { plainText } from "../../src/client/plain-text.ts";

describe("plainText", () => {
  test("emphasis, code, strike-through, links and images become their words", () => {
    expect(plainText("say **Hello** from `main.ts`")).toBe("say Hello from main.ts");
    expect(plainText("*a* _b_ ***c*** __d__ ~~e~~")).toBe("a b c d e");
    expect(plainText("see [the docs](https://example.test/a_(b)) and ![a cat](cat.png)")).toBe("see the docs and a cat");
    expect(plainText("``code with ` tick``")).toBe("code with tick");
  });

  test("a title cut short keeps no half marker", () => {
    expect(plainText("say **Hello** f…")).toBe("say Hello f…");
    expect(plainText("say **Hel…")).toBe("say Hel…");
    expect(plainText("fix `parse")).toBe("fix parse");
  });

  test("line markers go, empty lines too: headings, quotes, lists", () => {
    expect(plainText("# Fix it\n> quoted\n\n- one\n2. two\n   ## deep")).toBe("Fix it\nquoted\none\ntwo\ndeep");
  });

  test("what is not markdown stays: snake_case, 2 * 3, a_b*c, escapes resolved", () => {
    expect(plainText("rename snake_case_name to 2 * 3")).toBe("rename snake_case_name to 2 * 3");
    expect(plainText("\\*not bold\\* and a\\_b")).toBe("*not bold* and a_b");
  });

  test("hostile text stays text: tags are not interpreted (the caller shows text), nothing throws", () => {
    expect(plainText('<img src=x onerror="alert(1)"> **hi**')).toBe('<img src=x onerror="alert(1)"> hi');
    const started = performance.now();
    expect(plainText("[".repeat(5000) + "](".repeat(5000))).toBe("[".repeat(2000));
    expect(performance.now() - started).toBeLessThan(200);
    expect(plainText("")).toBe("");
  });
});
