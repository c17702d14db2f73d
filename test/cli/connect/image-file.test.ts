import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ImageFile, MAX_IMAGE_BYTES, readImageFile, tooManyImages } from "../../../src/cli/connect/image-file.ts";
import { IMAGES } from "../../support/images.ts";
import { makeTempDir, removeTempDir } from "../../support/ssh.ts";

const dir = makeTempDir("image-file-");
afterAll(() => removeTempDir(dir));
const where = { home: dir, cwd: join(dir, "work") };
mkdirSync(where.cwd, { recursive: true });

describe("readImageFile", () => {
  test("a PNG, JPEG, GIF or WebP by its bytes, whatever its name; ~ and relative paths from here", async () => {
    writeFileSync(join(where.cwd, "shot.png"), Buffer.from(IMAGES["image/png"], "base64"));
    writeFileSync(join(dir, "photo.dat"), Buffer.from(IMAGES["image/jpeg"], "base64"));
    expect(await readImageFile("shot.png", where)).toEqual({
      image: { mediaType: "image/png", data: IMAGES["image/png"] },
      name: "shot.png",
      bytes: Buffer.from(IMAGES["image/png"], "base64").length,
    });
    expect(await readImageFile("~/photo.dat", where)).toMatchObject({ image: { mediaType: "image/jpeg", data: IMAGES["image/jpeg"] }, name: "photo.dat" });
  });

  test("clear problems: missing, a directory, empty, not an image, too large, nothing given", async () => {
    writeFileSync(join(dir, "notes.png"), "just text");
    writeFileSync(join(dir, "empty.png"), "");
    const big = join(dir, "big.png");
    writeFileSync(big, Buffer.alloc(MAX_IMAGE_BYTES + 1));
    expect(await readImageFile(join(dir, "nope.png"), where)).toEqual({ problem: `no such file: ${join(dir, "nope.png")}` });
    expect(await readImageFile(dir, where)).toEqual({ problem: `${dir} is not a file` });
    expect(await readImageFile("~/empty.png", where)).toEqual({ problem: `${join(dir, "empty.png")} is empty` });
    expect(await readImageFile("~/notes.png", where)).toEqual({
      problem: `${join(dir, "notes.png")} is not a PNG, JPEG, GIF or WebP image (judged by its bytes, not its name)`,
    });
    expect(await readImageFile(big, where)).toEqual({ problem: `${big} is 5.0 MiB; Claude takes images up to 5.0 MiB: make it smaller first` });
    expect(await readImageFile(" ", where)).toEqual({ problem: "give the image file, e.g. /image ~/Desktop/screenshot.png" });
  });
});

describe("tooManyImages", () => {
  const file = (chars: number): ImageFile => ({ image: { mediaType: "image/png", data: "A".repeat(chars) }, name: "x.png", bytes: chars });
  test("at most 8, and all together within what a prompt frame can carry", () => {
    expect(tooManyImages([], file(10))).toBeUndefined();
    expect(
      tooManyImages(
        Array.from({ length: 8 }, () => file(1)),
        file(1),
      ),
    ).toBe("a prompt takes at most 8 images");
    expect(tooManyImages([file(4 * 1024 * 1024)], file(4 * 1024 * 1024))).toBe(
      "the images together would be 8.0 MiB as base64, more than the 7.5 MiB a prompt can carry to the relay",
    );
  });
});
