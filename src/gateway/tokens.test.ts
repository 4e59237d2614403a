import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTokens as exact } from 'gpt-tokenizer';
import { countTokens, loadTokenizer, tokenizerReady } from './tokens.ts';

test('the tokenizer loads on demand, once, and counts exactly as gpt-tokenizer does', async () => {
  assert.equal(tokenizerReady(), false, 'nothing loaded it yet');
  assert.throws(() => countTokens('hello'), /not loaded/);
  const [a, b] = await Promise.all([loadTokenizer(), loadTokenizer()]);
  assert.equal(a, b);
  assert.equal(tokenizerReady(), true);
  const text = 'Paris is the capital of France. It sits on the Seine — 2,165,423 people.';
  assert.equal(countTokens(text), exact(text));
});
