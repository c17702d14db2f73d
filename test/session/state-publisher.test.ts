/** session.state publishing: once per distinct state, in order, at the end of the tick; the observer told of real changes only. */
import { describe, expect, test } from "bun:test";
import { silentLogger } from "../../src/log/logger.ts";
import type { UnnumberedEvent } from "../../src/protocol/messages.ts";
import { StatePublisher, type StateSnapshot } from "../../src/session/state-publisher.ts";
import { settle } from "../support/fake-ports.ts";

const devices: string[] = [];
const snapshot = (fields: Partial<StateSnapshot>): StateSnapshot => ({
  state: "ready",
  claudePid: 1,
  restarts: 0,
  clients: 1,
  devices,
  permissionMode: "default",
  ...fields,
});

function setup() {
  const published: UnnumberedEvent[] = [];
  const changed: string[] = [];
  const states = new StatePublisher({ publish: (event) => published.push(event), log: silentLogger, onChanged: (state) => changed.push(state) });
  return { states, published, changed };
}

describe("StatePublisher", () => {
  test("states recorded in one tick are published at its end, each distinct one in order, repeats dropped", async () => {
    const { states, published } = setup();
    states.record(snapshot({ state: "busy" }));
    states.record(snapshot({ state: "busy" }));
    states.record(snapshot({ state: "ready" }));
    expect(published).toEqual([]);
    await settle();
    expect(published.map((event) => event.type === "session.state" && event.state)).toEqual(["busy", "ready"]);
    states.record(snapshot({ state: "ready" })); // as published last: nothing new
    await settle();
    expect(published).toHaveLength(2);
  });

  test("the observer hears of a new state, mode or model, not of a client count", async () => {
    const { states, changed } = setup();
    states.record(snapshot({}));
    states.record(snapshot({ clients: 2 }));
    states.record(snapshot({ clients: 2, permissionMode: "plan" }));
    states.publishPending();
    expect(changed).toEqual(["ready", "ready"]);
  });
});
