// Type declarations for weft-threading (index.js).

/** A handle's owner: `close()` (or `using`) frees its reference; a FinalizationRegistry otherwise. */
declare class Handle {
  /** The C handle (a koffi pointer), valid until close(). */
  readonly handle: unknown;
  close(): void;
  [Symbol.dispose](): void;
}

export declare const STATUS: Readonly<Record<string, number>>;
export declare const TIMEOUT_FOREVER: -1;

export declare class WeftError extends Error {
  readonly status: number;
  constructor(status: number, message?: string);
}
export declare class RuntimeError extends WeftError {}
export declare class ValueError extends WeftError {}
export declare class TimeoutError extends WeftError {}
export declare class BrokenBarrierError extends WeftError {}
export declare class Empty extends WeftError {}
export declare class Full extends WeftError {}
export declare class ShutDown extends WeftError {}
export declare class CancelledError extends WeftError {}
export declare class BrokenThreadPool extends WeftError {}

export declare class Lock extends Handle {
  constructor();
  static fromHandle(handle: unknown): Lock;
  acquire(timeout?: number): Promise<boolean>;
  tryAcquire(): boolean;
  release(): void;
  locked(): boolean;
  withLock<T>(fn: () => T | Promise<T>): Promise<T>;
}
export declare class RLock extends Handle {
  constructor();
  acquireSync(timeout?: number): boolean;
  acquire(timeout?: number): Promise<boolean>;
  tryAcquire(): boolean;
  release(): void;
  locked(): boolean;
  isOwned(): boolean;
  readonly recursionCount: number;
  withLock<T>(fn: () => T | Promise<T>): Promise<T>;
}
export declare class Condition extends Handle {
  constructor(lock?: Lock);
  readonly lock: Lock;
  acquire(timeout?: number): Promise<boolean>;
  release(): void;
  withLock<T>(fn: () => T | Promise<T>): Promise<T>;
  wait(timeout?: number): Promise<boolean>;
  waitFor<T>(predicate: () => T, timeout?: number): Promise<T>;
  notify(n?: number): void;
  notifyAll(): void;
}
export declare class Semaphore extends Handle {
  constructor(value?: number);
  acquire(timeout?: number): Promise<boolean>;
  tryAcquire(): boolean;
  release(n?: number): void;
  withLock<T>(fn: () => T | Promise<T>): Promise<T>;
}
export declare class BoundedSemaphore extends Semaphore {}
export declare class Event extends Handle {
  constructor();
  set(): void;
  clear(): void;
  isSet(): boolean;
  wait(timeout?: number): Promise<boolean>;
}
export declare class Barrier extends Handle {
  constructor(parties: number, action?: () => void, timeout?: number);
  wait(timeout?: number): Promise<number>;
  reset(): void;
  abort(): void;
  readonly broken: boolean;
  readonly nWaiting: number;
  readonly parties: number;
}
export interface ThreadOptions<A extends unknown[]> {
  target?: (...args: A) => unknown;
  args?: A;
  name?: string;
  daemon?: boolean;
}
export declare class Thread<A extends unknown[] = unknown[]> extends Handle {
  constructor(options?: ThreadOptions<A>);
  daemon: boolean;
  /** The exception the target threw, if it did. */
  error: unknown;
  run(): void;
  start(): void;
  join(timeout?: number): Promise<boolean>;
  isAlive(): boolean;
  readonly name: string;
  readonly ident: number | bigint;
  readonly nativeId: number | bigint;
}
export declare class Timer<A extends unknown[] = unknown[]> extends Handle {
  constructor(interval: number, fn: (...args: A) => unknown, args?: A);
  daemon: boolean;
  start(): void;
  cancel(): void;
  join(timeout?: number): Promise<boolean>;
  isAlive(): boolean;
}
/** Values that cross: anything v8.serialize takes (strings, numbers, Buffers, plain objects...). */
export type Item = unknown;
export interface PutOptions { timeout?: number; priority?: number }
export declare class Queue<T = Item> extends Handle {
  constructor(maxsize?: number);
  static fromAddress<Q extends Queue>(this: new (...a: any[]) => Q, address: bigint): Q;
  static fromHandle<Q extends Queue>(this: new (...a: any[]) => Q, handle: unknown): Q;
  readonly address: bigint;
  put(value: T, options?: PutOptions): Promise<void>;
  putNowait(value: T, options?: { priority?: number }): void;
  get(timeout?: number): Promise<T>;
  getNowait(): T;
  taskDone(): void;
  join(timeout?: number): Promise<boolean>;
  shutdown(immediate?: boolean): void;
  qsize(): number;
  empty(): boolean;
  full(): boolean;
}
export declare class LifoQueue<T = Item> extends Queue<T> {}
export declare class PriorityQueue<T = Item> extends Queue<T> {}
export declare class SimpleQueue<T = Item> extends Queue<T> { constructor(); }
export interface FuturePromise<T> extends Promise<T> { readonly future: { cancel(): boolean } }
export declare class ThreadPoolExecutor extends Handle {
  constructor(options?: { maxWorkers?: number; threadNamePrefix?: string });
  readonly maxWorkers: number;
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): FuturePromise<R>;
  shutdown(options?: { wait?: boolean; cancelFutures?: boolean }): Promise<void>;
}
export declare function activeCount(): number;
export declare function versionString(): string;
/** What is owed to the JS thread now: blocking calls under way, callbacks to come. */
export declare function pending(): number;
export declare function encode(value: Item): unknown;
export declare function decode(block: unknown): Item;
export declare const lib: unknown;
export declare const C: Record<string, (...args: any[]) => any>;
export declare const koffi: unknown;
