// The soak's accounting: every request it sends is entered here, and every response or
// error the server sends back is matched to it, so a lost or doubled response is counted
// rather than hidden behind a timeout.
export type Outcome = 'ok' | 'error' | 'cancelled' | 'timeout';

export class Ledger {
  /** Requests waiting for their response, by key (`lsp:12`, `http:3`). */
  private readonly pending = new Map<string, string>();
  /** Responses counted per key, to catch a second response to one request. */
  private readonly answered = new Set<string>();
  readonly counts: Record<string, Record<Outcome, number>> = {};
  duplicates = 0;
  /** Responses whose request this ledger never saw. */
  strays = 0;
  /** Errors the soak expected (bad requests) that came back with another outcome. */
  surprises: string[] = [];

  sent(key: string, kind: string): void {
    this.pending.set(key, kind);
  }

  /** Records the one response of `key`; a second one, or one for an unknown key, is counted. */
  received(key: string, outcome: Outcome): void {
    const kind = this.pending.get(key);
    if (kind === undefined) {
      if (this.answered.has(key)) this.duplicates++;
      else this.strays++;
      return;
    }
    this.pending.delete(key);
    this.answered.add(key);
    const tally = (this.counts[kind] ??= { ok: 0, error: 0, cancelled: 0, timeout: 0 });
    tally[outcome]++;
  }

  surprise(what: string): void {
    if (this.surprises.length < 20) this.surprises.push(what);
  }

  get sentCount(): number {
    return this.answered.size + this.pending.size;
  }

  /** Requests still without a response. */
  lost(): string[] {
    return [...this.pending.entries()].map(([key, kind]) => `${key} (${kind})`);
  }
}
