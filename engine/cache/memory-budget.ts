// One RAM budget shared by the block stores of several streams. When the total goes over
// the limit, the least recently used payload anywhere is released (spilled to disk, or
// dropped when no disk is usable), whichever stream it belongs to.

export interface BudgetMember {
  /** Bytes this member holds in RAM that count against the budget. */
  residentBytes(): number;
  /** The use-tick of its least recently used releasable payload, or undefined when none. */
  oldestReleasable(): number | undefined;
  /** Releases that payload; returns the bytes freed. */
  releaseOldest(): number;
}

let tick = 0;
/** A global, monotonically increasing use counter (LRU order across streams). */
export function nextUseTick(): number {
  return ++tick;
}

export class MemoryBudget {
  private readonly members = new Set<BudgetMember>();

  constructor(readonly limitBytes: number) {
    if (!(limitBytes >= 0)) throw new Error(`memory budget must be >= 0 bytes, got ${limitBytes}`);
  }

  register(member: BudgetMember): void {
    this.members.add(member);
  }

  unregister(member: BudgetMember): void {
    this.members.delete(member);
  }

  usedBytes(): number {
    let total = 0;
    for (const m of this.members) total += m.residentBytes();
    return total;
  }

  /** Releases least recently used payloads until the total fits the limit (or nothing is left). */
  enforce(): void {
    let used = this.usedBytes();
    while (used > this.limitBytes) {
      let victim: BudgetMember | undefined;
      let oldest = Infinity;
      for (const m of this.members) {
        const t = m.oldestReleasable();
        if (t !== undefined && t < oldest) {
          oldest = t;
          victim = m;
        }
      }
      if (!victim) return;
      const freed = victim.releaseOldest();
      if (freed <= 0) return;
      used -= freed;
    }
  }
}
