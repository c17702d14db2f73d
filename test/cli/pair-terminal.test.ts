import { expect, test } from "bun:test";
import { pairingLink } from "../../src/cli/pair-terminal.ts";

test("pairingLink: the name given to pair --name follows the code, percent-encoded; none, or blank, leaves the link as it is", () => {
  expect(pairingLink("https://laptop:7717/#pair=abc", "phone")).toBe("https://laptop:7717/#pair=abc&name=phone");
  expect(pairingLink("https://laptop:7717/#pair=abc", " Anna’s phone & tablet ")).toBe(
    "https://laptop:7717/#pair=abc&name=Anna%E2%80%99s%20phone%20%26%20tablet",
  );
  expect(pairingLink("https://laptop:7717/#pair=abc", undefined)).toBe("https://laptop:7717/#pair=abc");
  expect(pairingLink("https://laptop:7717/#pair=abc", "  ")).toBe("https://laptop:7717/#pair=abc");
});
