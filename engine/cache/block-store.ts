// The retrievable tier: older blocks, quantized, kept in RAM while the shared budget
// allows and spilled to disk beyond it (atomic writes, checksum verified on every read),
// with a small LRU pool of dequantized blocks in front. Representatives stay in RAM so
// retrieval never touches the payloads.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { TextModelSpec } from '../model/contract';
import { layerKvBytes, representativeBytes, type BlockMeta, type KvBlock } from './block';
import { decodeBlock, encodeBlock } from './block-codec';
import { MemoryBudget, nextUseTick, type BudgetMember } from './memory-budget';
import type { QuantBits } from './quant';

export interface BlockStoreOptions {
  spec: TextModelSpec;
  bits: QuantBits;
  budget: MemoryBudget;
  /** Where payloads spill; null keeps everything in RAM (dropping the oldest beyond the budget). */
  dir: string | null;
  /** Dequantized blocks kept ready (LRU). */
  poolBlocks: number;
  onWarning: (message: string) => void;
}

interface Entry {
  meta: BlockMeta;
  ram?: Buffer;
  file?: { path: string; bytes: number };
  lastUse: number;
  corrupt?: string;
}

export interface StoreStats {
  blocks: number;
  tokens: number;
  /** Quantized payloads in RAM + dequantized pool + representatives. */
  ramBytes: number;
  /** The part of ramBytes that counts against the memory budget (payloads + pool). */
  budgetedBytes: number;
  diskBytes: number;
  poolBlocks: number;
  hits: number;
  misses: number;
  evictions: number;
  spills: number;
  corrupt: number;
}

export class BlockStore implements BudgetMember {
  private readonly entries = new Map<number, Entry>();
  private readonly pool = new Map<number, { block: KvBlock; bytes: number; lastUse: number }>();
  private dir: string | null;
  private counters = { hits: 0, misses: 0, evictions: 0, spills: 0 };

  constructor(private readonly options: BlockStoreOptions) {
    this.dir = options.dir;
    options.budget.register(this);
  }

  get spillDir(): string | null {
    return this.dir;
  }

  /** Adds a block that left the recent window. */
  put(block: KvBlock): void {
    const { numKvHeads, headDim } = this.options.spec;
    const ram = encodeBlock(block, this.options.bits, numKvHeads, headDim);
    const { kv: _kv, ...meta } = block;
    this.entries.set(block.id, { meta, ram, lastUse: nextUseTick() });
    this.options.budget.enforce();
  }

  /** Adds a block already persisted on disk (reopening a saved stream). */
  adopt(meta: BlockMeta, path: string): void {
    const bytes = statSync(path).size;
    this.entries.set(meta.id, { meta, file: { path, bytes }, lastUse: nextUseTick() });
  }

  has(id: number): boolean {
    return this.entries.has(id);
  }

  /** Metadata of every usable block, in time order. */
  metas(): BlockMeta[] {
    return [...this.entries.values()].filter((e) => !e.corrupt).map((e) => e.meta);
  }

  /** Each usable block with where its bytes live now, in time order. */
  locations(): Array<{ meta: BlockMeta; where: 'ram' | 'disk' }> {
    return [...this.entries.values()]
      .filter((e) => !e.corrupt)
      .map((e) => ({ meta: e.meta, where: e.ram ? 'ram' : 'disk' }));
  }

  /** The block's full KV; null (with a warning) when its bytes fail the integrity check. */
  get(id: number): KvBlock | null {
    const pooled = this.pool.get(id);
    if (pooled) {
      this.counters.hits++;
      pooled.lastUse = nextUseTick();
      this.pool.delete(id);
      this.pool.set(id, pooled);
      return pooled.block;
    }
    const entry = this.entries.get(id);
    if (!entry || entry.corrupt) return null;
    this.counters.misses++;
    entry.lastUse = nextUseTick();
    let block: KvBlock;
    try {
      block = entry.ram
        ? decodeBlock(entry.ram, `${id} (in RAM)`)
        : decodeBlock(readFileSync(entry.file!.path), entry.file!.path);
    } catch (error) {
      entry.corrupt = error instanceof Error ? error.message : String(error);
      this.options.onWarning(
        `${entry.corrupt}; block ${id} (frame ${entry.meta.frameIndex}) is left out of answers`,
      );
      return null;
    }
    this.addToPool(block);
    return block;
  }

  /** Encoded bytes of a block (RAM or disk), verified by the caller when decoded. */
  encoded(id: number): Buffer | null {
    const entry = this.entries.get(id);
    if (!entry || entry.corrupt) return null;
    return entry.ram ?? readFileSync(entry.file!.path);
  }

  /** Drops every block and file this store owns (a stream closing without persistence). */
  clear(removeFiles: boolean): void {
    if (removeFiles)
      for (const e of this.entries.values()) if (e.file) rmSync(e.file.path, { force: true });
    this.entries.clear();
    this.pool.clear();
  }

  /** Block files now live in `to`: the folder `from` holding them was renamed (a save). */
  relocate(from: string, to: string): void {
    for (const e of this.entries.values())
      if (e.file && e.file.path.startsWith(from + sep))
        e.file = { ...e.file, path: join(to, e.file.path.slice(from.length + 1)) };
    if (this.dir === from) this.dir = to;
  }

  close(removeFiles: boolean): void {
    this.clear(removeFiles);
    this.options.budget.unregister(this);
  }

  /** Writes every RAM payload to `dir` (persistence); returns id -> file path. */
  flushTo(dir: string): Map<number, string> {
    mkdirSync(dir, { recursive: true });
    const files = new Map<number, string>();
    for (const [id, e] of this.entries) {
      if (e.corrupt) continue;
      if (!e.file || !e.file.path.startsWith(dir)) {
        const bytes = e.ram ?? readFileSync(e.file!.path);
        const path = join(dir, blockFileName(id));
        atomicWrite(path, bytes);
        e.file = { path, bytes: bytes.length };
      }
      files.set(id, e.file.path);
    }
    return files;
  }

  stats(): StoreStats {
    let tokens = 0;
    let payload = 0;
    let reps = 0;
    let diskBytes = 0;
    let corrupt = 0;
    for (const e of this.entries.values()) {
      if (e.corrupt) corrupt++;
      tokens += e.meta.tokenCount;
      payload += e.ram?.length ?? 0;
      reps += representativeBytes(e.meta);
      diskBytes += e.file?.bytes ?? 0;
    }
    const poolBytes = this.poolBytes();
    return {
      blocks: this.entries.size - corrupt,
      tokens,
      ramBytes: payload + poolBytes + reps,
      budgetedBytes: payload + poolBytes,
      diskBytes,
      poolBlocks: this.pool.size,
      ...this.counters,
      corrupt,
    };
  }

  residentBytes(): number {
    let n = this.poolBytes();
    for (const e of this.entries.values()) n += e.ram?.length ?? 0;
    return n;
  }

  oldestReleasable(): number | undefined {
    let oldest: number | undefined;
    for (const p of this.pool.values())
      if (oldest === undefined || p.lastUse < oldest) oldest = p.lastUse;
    for (const e of this.entries.values())
      if (e.ram && (oldest === undefined || e.lastUse < oldest)) oldest = e.lastUse;
    return oldest;
  }

  releaseOldest(): number {
    const target = this.oldestReleasable();
    for (const [id, p] of this.pool)
      if (p.lastUse === target) {
        this.pool.delete(id);
        return p.bytes;
      }
    for (const [id, e] of this.entries)
      if (e.ram && e.lastUse === target) return this.spillOrDrop(id, e);
    return 0;
  }

  private spillOrDrop(id: number, e: Entry): number {
    const bytes = e.ram!.length;
    if (!e.file && this.dir) {
      const path = join(this.dir, blockFileName(id));
      try {
        mkdirSync(this.dir, { recursive: true });
        atomicWrite(path, e.ram!);
        e.file = { path, bytes };
        this.counters.spills++;
      } catch (error) {
        this.options.onWarning(
          `cannot write KV blocks to ${this.dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
            'keeping the cache in RAM only: the oldest blocks beyond the memory budget are dropped',
        );
        this.dir = null;
      }
    }
    if (!e.file) {
      this.entries.delete(id);
      this.pool.delete(id);
      this.counters.evictions++;
      return bytes;
    }
    e.ram = undefined;
    return bytes;
  }

  private addToPool(block: KvBlock): void {
    if (this.options.poolBlocks <= 0) return;
    while (this.pool.size >= this.options.poolBlocks) {
      const first = this.pool.keys().next().value as number;
      this.pool.delete(first);
    }
    this.pool.set(block.id, { block, bytes: layerKvBytes(block.kv), lastUse: nextUseTick() });
    this.options.budget.enforce();
  }

  private poolBytes(): number {
    let n = 0;
    for (const p of this.pool.values()) n += p.bytes;
    return n;
  }
}

export function blockFileName(id: number): string {
  return `block-${String(id).padStart(8, '0')}.kvb`;
}

/** Writes to a temporary name, then renames: a reader never sees a half-written file. */
export function atomicWrite(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
