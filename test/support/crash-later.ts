/**
 * Preloaded into a relay process (`bun --preload test/support/crash-later.ts src/cli.ts serve …`)
 * to throw an error nothing catches once the relay is up: the last-resort handler's test.
 */
setTimeout(
  () => {
    throw new Error("injected fault: nobody catches this");
  },
  Number(process.env.CRASH_AFTER_MS ?? 1500),
);
