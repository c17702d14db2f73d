/** `#session=<id>` links (src/web/net/session-link.ts): what opens the app at a session, and what does not. */
import { expect, test } from "bun:test";
import { sessionLink } from "../../../src/web/net/session-link.ts";

test("a #session= fragment names the session", () => {
  expect(sessionLink("#session=7f0c3d0e-5b1a-4c2e-9d3f-0a1b2c3d4e5f")).toBe("7f0c3d0e-5b1a-4c2e-9d3f-0a1b2c3d4e5f");
  expect(sessionLink("#session=default_1")).toBe("default_1");
});

test("anything else is no session link: a pairing link, nothing, an empty or odd id, more after it", () => {
  for (const hash of [
    "",
    "#",
    "#pair=q3Vt0e6xq3Vt0e6xq3Vt0e6x",
    "#session=",
    "#session=a/b",
    "#session=%2e%2e",
    "#session=a&pair=b",
    `#session=${"a".repeat(129)}`,
    "#Session=a",
  ])
    expect(sessionLink(hash)).toBeUndefined();
});
