// Machine-wide test lanes. `concurrent-test` (the repo's `npm test`) lets turbo start every
// package's tests at once and hands them a directory of slots (CONCURRENT_TEST_SLOTS): each
// runtime run of each package takes one slot while it runs, so no more than `slots` runs
// share the machine, and a lane freed by a short package goes to the next run at once
// instead of idling until the package beside it ends. Waiting runs go longest first (their
// `weight`: the seconds the package declares for that runtime), so the long ones do not end
// up last.
//
// A slot is a directory `slot-N` (mkdir is atomic); a waiting run is a ticket file in
// `wait/` named by its weight. A slot or ticket whose process died is taken back.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const POLL_MS = 50;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/**
 * Run `body` holding one of the `slots` lanes in `dir` (or all of them, when `exclusive`: for
 * a run that rewrites what the others read, such as packing the packages). `label` names the
 * run in the ticket; `weight` orders the waiting runs, heaviest first.
 */
export async function withSlot(dir, slots, { weight, label, exclusive = false }, body) {
  const waitDir = join(dir, "wait");
  mkdirSync(waitDir, { recursive: true });
  // Heaviest first; an exclusive run last (it waits for every lane to be free anyway).
  const rank = exclusive ? 0 : Math.min(999_999, Math.max(1, Math.round(weight * 10)));
  const ticket = `${String(rank).padStart(6, "0")}-${process.pid}-${label.replace(/[^\w.-]/g, "_")}`;
  writeFileSync(join(waitDir, ticket), "");
  const held = [];
  try {
    for (;;) {
      const free = freeSlots(dir, slots);
      const waiting = [];
      for (const t of readdirSync(waitDir)) {
        if (alive(Number(t.split("-")[1]))) waiting.push(t);
        else rmSync(join(waitDir, t), { force: true }); // its run died waiting
      }
      waiting.sort().reverse();
      const place = waiting.indexOf(ticket);
      const want = exclusive ? slots : 1;
      if (exclusive ? place === 0 && free.length === slots : place < free.length) {
        for (const n of free) {
          if (held.length === want) break;
          try {
            mkdirSync(join(dir, `slot-${n}`));
            writeFileSync(join(dir, `slot-${n}`, "pid"), String(process.pid));
            held.push(n);
          } catch {
            // another run took it first
          }
        }
        if (held.length === want) break;
        if (exclusive) release(dir, held);
      }
      await sleep(POLL_MS);
    }
  } finally {
    rmSync(join(waitDir, ticket), { force: true });
  }
  try {
    return await body();
  } finally {
    release(dir, held);
  }
}

function release(dir, held) {
  for (const n of held.splice(0)) rmSync(join(dir, `slot-${n}`), { recursive: true, force: true });
}

// Slots nobody holds, taking back those whose holder died.
function freeSlots(dir, slots) {
  const free = [];
  for (let n = 0; n < slots; n++) {
    const slot = join(dir, `slot-${n}`);
    if (!existsSync(slot)) {
      free.push(n);
      continue;
    }
    let pid;
    try {
      pid = Number(readFileSync(join(slot, "pid"), "utf8"));
    } catch {
      continue; // just taken: its pid is not written yet
    }
    if (pid && !alive(pid)) {
      rmSync(slot, { recursive: true, force: true });
      free.push(n);
    }
  }
  return free;
}
