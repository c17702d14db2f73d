/** The checks a prompt's images pass before anything reaches Claude: canonical base64, and bytes that are what they claim to be. */
import { describe, expect, test } from "bun:test";
import { IMAGE_MEDIA_TYPES } from "../../src/protocol/messages.ts";
import { checkPromptImages, sniffImageType } from "../../src/session/prompt-images.ts";
import { IMAGES, imageBytes } from "../support/images.ts";

describe("checkPromptImages", () => {
  test("each of the four types passes, summarized by type and decoded size", () => {
    const images = IMAGE_MEDIA_TYPES.map((mediaType) => ({ mediaType, data: IMAGES[mediaType] }));
    expect(checkPromptImages(images)).toEqual({ ok: true, images: IMAGE_MEDIA_TYPES.map((mediaType) => ({ mediaType, bytes: imageBytes(mediaType) })) });
    expect(checkPromptImages([])).toEqual({ ok: true, images: [] });
  });

  test.each([
    ["a character outside the alphabet", IMAGES["image/png"].replace("K", "*")],
    ["base64url instead of base64", Buffer.from(IMAGES["image/jpeg"], "base64").toString("base64url")],
    ["missing padding", IMAGES["image/png"].replace(/=+$/, "")],
    ["a line break", `${IMAGES["image/png"].slice(0, 20)}\n${IMAGES["image/png"].slice(20)}`],
    ["a space", ` ${IMAGES["image/png"]}`],
    ["padding in the middle", `${IMAGES["image/png"].slice(0, 8)}=${IMAGES["image/png"].slice(9)}`],
    ["non-zero bits after the last byte (not canonical)", "iVBORw0KGgp="],
    ["nothing but padding", "===="],
  ])("not valid base64: %s", (_, data) => {
    const check = checkPromptImages([
      { mediaType: "image/png", data: IMAGES["image/png"] },
      { mediaType: "image/png", data },
    ]);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toStartWith("image 2: data is not valid base64");
  });

  test("bytes of another image type, or of no image, are refused naming what they are", () => {
    expect(checkPromptImages([{ mediaType: "image/png", data: IMAGES["image/jpeg"] }])).toEqual({
      ok: false,
      message: "image 1 is declared image/png, but its bytes are a JPEG image (image/jpeg)",
    });
    const text = Buffer.from("just some text, not a picture").toString("base64");
    expect(checkPromptImages([{ mediaType: "image/webp", data: text }])).toEqual({
      ok: false,
      message: "image 1 is declared image/webp, but its bytes are not a PNG, JPEG, GIF or WebP image",
    });
  });
});

describe("sniffImageType", () => {
  test("magic numbers: PNG, JPEG, GIF87a/GIF89a, RIFF…WEBP; anything else (a RIFF WAV, a truncated header) is none", () => {
    const bytes = (...values: Array<number | string>) =>
      Buffer.concat(values.map((value) => (typeof value === "string" ? Buffer.from(value, "latin1") : Buffer.from([value]))));
    expect(sniffImageType(bytes(0x89, "PNG\r\n\x1a\n", 0))).toBe("image/png");
    expect(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe("image/jpeg");
    expect(sniffImageType(bytes("GIF87a"))).toBe("image/gif");
    expect(sniffImageType(bytes("GIF89a"))).toBe("image/gif");
    expect(sniffImageType(bytes("RIFF", 0, 0, 0, 0, "WEBPVP8 "))).toBe("image/webp");
    expect(sniffImageType(bytes("RIFF", 0, 0, 0, 0, "WAVEfmt "))).toBeUndefined();
    expect(sniffImageType(bytes("GIF88a"))).toBeUndefined();
    expect(sniffImageType(bytes(0x89, "PNG"))).toBeUndefined();
    expect(sniffImageType(new Uint8Array())).toBeUndefined();
  });
});
