// gpt-tokenizer's o200k tables take ~150 ms to load and ~16 MB of heap that every major GC walks. A gateway
// whose routes have no token limit, in front of upstreams that report `usage`, never needs them: they
// load at start only when a route counts tokens against a limit, otherwise on first use.

type Count = (text: string) => number;

let count: Count | undefined;
let loading: Promise<Count> | undefined;

/** Loads the tokenizer once; later calls return the same promise. */
export function loadTokenizer(): Promise<Count> {
  loading ??= import('gpt-tokenizer').then((m) => {
    count = m.countTokens;
    return count;
  });
  return loading;
}

/** Whether `countTokens` can run now, without waiting for the tokenizer to load. */
export const tokenizerReady = (): boolean => count !== undefined;

/** Exact token count (o200k). Only after `loadTokenizer()` has resolved. */
export function countTokens(text: string): number {
  if (!count) throw new Error('tokenizer not loaded: await loadTokenizer() first');
  return count(text);
}

/** The pending load, if one was started (shutdown waits for it so no event is left behind). */
export const tokenizerLoading = (): Promise<unknown> | undefined => loading;
