// The official OpenAI and Ollama JavaScript clients against a running llmhost serving
// stories260K. LLMHOST_URL names the host (e.g. http://127.0.0.1:11434).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import OpenAI from 'openai';
import { Ollama } from 'ollama';

const base = process.env.LLMHOST_URL;
if (!base) throw new Error('set LLMHOST_URL to the llmhost base URL');

const MODEL = 'stories260K';
const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 60_000 });
const ollama = new Ollama({ host: base });
const story = [{ role: 'user', content: 'Once upon a time' }];

test('openai: chat completion, not streamed', async () => {
  const r = await openai.chat.completions.create({ model: MODEL, messages: story, max_tokens: 8, temperature: 0 });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.choices.length, 1);
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.ok(r.choices[0].message.content.length > 0);
  assert.equal(r.choices[0].finish_reason, 'length');
  assert.equal(r.usage.completion_tokens, 8);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + 8);
});

test('openai: chat completion streamed with usage adds up to the same text', async () => {
  const whole = await openai.chat.completions.create({ model: MODEL, messages: story, max_tokens: 8, temperature: 0 });
  const stream = await openai.chat.completions.create({
    model: MODEL, messages: story, max_tokens: 8, temperature: 0, stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;
  let first = true;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (first) assert.equal(chunk.choices[0].delta.role, 'assistant');
    first = false;
    for (const c of chunk.choices) {
      text += c.delta.content ?? '';
      finish = c.finish_reason ?? finish;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, whole.choices[0].message.content);
  assert.equal(finish, 'length');
  assert.equal(usage?.completion_tokens, 8);
});

test('openai: text completion with echo', async () => {
  const r = await openai.completions.create({ model: MODEL, prompt: 'The little dog', max_tokens: 6, temperature: 0 });
  assert.equal(r.object, 'text_completion');
  assert.ok(r.choices[0].text.length > 0);
  const echoed = await openai.completions.create({
    model: MODEL, prompt: 'The little dog', max_tokens: 6, temperature: 0, echo: true,
  });
  assert.equal(echoed.choices[0].text, 'The little dog' + r.choices[0].text);
});

test('openai: models.list includes stories260K', async () => {
  const ids = [];
  for await (const m of openai.models.list()) ids.push(m.id);
  assert.ok(ids.includes('stories260K:latest'), `models: ${ids}`);
});

test('openai: an unknown model is an APIError with status 404', async () => {
  await assert.rejects(
    openai.chat.completions.create({ model: 'no-such-model', messages: story }),
    (err) => {
      assert.ok(err instanceof OpenAI.APIError, `not an APIError: ${err}`);
      assert.equal(err.status, 404);
      assert.match(err.message, /not found/);
      return true;
    });
});

test('ollama: generate, not streamed and streamed, gives the same greedy text', async () => {
  const options = { temperature: 0, num_predict: 12 };
  const r = await ollama.generate({ model: MODEL, prompt: 'Tom had a red ball.', raw: true, options });
  assert.equal(r.done, true);
  assert.equal(r.done_reason, 'length');
  assert.equal(r.eval_count, 12);
  assert.ok(r.response.length > 0);
  let text = '';
  let last = null;
  for await (const part of await ollama.generate({ model: MODEL, prompt: 'Tom had a red ball.', raw: true, options, stream: true })) {
    text += part.response;
    last = part;
  }
  assert.equal(last.done, true);
  assert.equal(text, r.response);
});

test('ollama: chat, not streamed and streamed', async () => {
  const options = { temperature: 0, num_predict: 10 };
  const r = await ollama.chat({ model: MODEL, messages: story, options });
  assert.equal(r.message.role, 'assistant');
  assert.ok(r.message.content.length > 0);
  let text = '';
  let done = false;
  for await (const part of await ollama.chat({ model: MODEL, messages: story, options, stream: true })) {
    assert.equal(part.message.role, 'assistant');
    text += part.message.content;
    done = part.done;
  }
  assert.ok(done);
  assert.equal(text, r.message.content);
});

test('ollama: list and show', async () => {
  const list = await ollama.list();
  const names = list.models.map((m) => m.name);
  assert.ok(names.includes('stories260K:latest'), `models: ${names}`);
  const show = await ollama.show({ model: MODEL });
  assert.equal(show.details.family, 'llama');
  assert.equal(show.model_info['llama.block_count'], 5);
});

test('ollama: an unknown model is a ResponseError with status 404', async () => {
  await assert.rejects(ollama.generate({ model: 'no-such-model', prompt: 'hi' }), (err) => {
    assert.equal(err.status_code, 404);
    assert.match(err.message, /not found/);
    return true;
  });
});
