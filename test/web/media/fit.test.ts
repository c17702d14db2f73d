import { expect, test } from "bun:test";
import { fitWithin } from "../../../src/web/media/fit.ts";

test("a 12 MP photo comes down to at most 1.5 MP with its aspect ratio", () => {
  const { width, height } = fitWithin(4032, 3024, 1_500_000);
  expect(width * height).toBeLessThanOrEqual(1_500_000);
  expect(width * height).toBeGreaterThan(1_490_000);
  expect(Math.abs(width / height - 4032 / 3024)).toBeLessThan(0.01);
});

test("small pictures stay as they are (never enlarged); extreme shapes keep at least a pixel", () => {
  expect(fitWithin(800, 600, 1_500_000)).toEqual({ width: 800, height: 600 });
  expect(fitWithin(1, 10_000_000, 1000)).toEqual({ width: 1, height: 1000 });
  expect(fitWithin(10_000_000, 2, 1000)).toEqual({ width: 1000, height: 1 });
});
