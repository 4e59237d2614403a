import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toolCalls, toolDescriptions } from './tools.ts';

describe('gateway tools', () => {
  it('finds each description with the path a 400 names', () => {
    const body = {
      tools: [
        {
          type: 'function',
          function: {
            name: 'search',
            description: 'Search the web.',
            parameters: {
              type: 'object',
              properties: {
                q: { type: 'string', description: 'The query.' },
                opts: { type: 'object', properties: { lang: { type: 'string', description: 'Language.' } } },
                tags: { type: 'array', items: { type: 'string', description: 'A tag.' } },
              },
            },
          },
        },
      ],
      functions: [{ name: 'legacy', description: 'Old style.' }],
    };
    assert.deepEqual(toolDescriptions(body), [
      { text: 'Search the web.', param: 'tools[0].function.description' },
      { text: 'The query.', param: 'tools[0].function.parameters.properties.q.description' },
      {
        text: 'Language.',
        param: 'tools[0].function.parameters.properties.opts.properties.lang.description',
      },
      { text: 'A tag.', param: 'tools[0].function.parameters.properties.tags.items.description' },
      { text: 'Old style.', param: 'functions[0].description' },
    ]);
  });

  it('stays bounded on deep and wide schemas', () => {
    let deep: Record<string, unknown> = { description: 'leaf' };
    for (let i = 0; i < 50; i++) deep = { description: `level ${i}`, properties: { x: deep } };
    const wide = {
      properties: Object.fromEntries(
        Array.from({ length: 500 }, (_, i) => [`p${i}`, { description: `d${i}` }]),
      ),
    };
    const tools: unknown[] = Array.from({ length: 300 }, () => ({
      function: { description: 'f', parameters: wide },
    }));
    tools.push({ function: { description: 'g', parameters: deep } });
    const out = toolDescriptions({ tools });
    assert.ok(out.length <= 128 * 65, String(out.length));
    const one = toolDescriptions({ tools: [{ function: { parameters: deep } }] });
    assert.ok(one.length <= 8, String(one.length));
  });

  it('finds tool-call arguments, and the legacy function_call', () => {
    const choice = {
      message: {
        tool_calls: [
          { function: { name: 'a', arguments: '{"x":1}' } },
          { function: { name: 'b', arguments: '' } },
          { function: { name: 'c', arguments: { not: 'a string' } } },
        ],
        function_call: { name: 'd', arguments: '{"y":2}' },
      },
    };
    assert.deepEqual(
      toolCalls(choice).map((c) => c.path),
      ['message.tool_calls[0].function.arguments', 'message.function_call.arguments'],
    );
  });

  it('never throws on arbitrary JSON (fuzz)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 6 }), (tools, message) => {
        toolDescriptions({ tools, functions: tools });
        toolCalls({ message } as Record<string, unknown>);
      }),
      { numRuns: 300 },
    );
  });
});
