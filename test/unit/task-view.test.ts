import { describe, expect, it } from 'vitest';
import { taskView, type EmulatedTask, type ViewContext } from '../../src/emulator/task-view.js';

const CREATED = Date.UTC(2026, 10, 27, 8, 0, 0);
const picture = Buffer.from('not really a jpeg, but bytes');
const task = (extra: Partial<EmulatedTask> = {}): EmulatedTask => ({
  id: 'd758n65e878c73cmdg20',
  createdAt: CREATED,
  alias: 'ghibli',
  returnUrl: false,
  failCode: null,
  result: picture,
  renderError: null,
  variant: 'standard',
  ...extra,
});
const context = (extra: Partial<ViewContext> = {}): ViewContext => ({
  latencyMs: 10_000,
  resultBase: 'http://127.0.0.1:4000',
  costPerTask: '0.0300',
  faults: {},
  ...extra,
});

describe('taskView: a task as the API answers it at a moment (PROTOCOL.md)', () => {
  it('waits for the first tenth of the latency, runs until it is up, then completes', () => {
    expect(taskView(task(), CREATED + 500, context())).toMatchObject({ id: 'd758n65e878c73cmdg20', status: 'pending', created_at: CREATED / 1000 });
    expect(taskView(task(), CREATED + 4_000, context())).toMatchObject({ status: 'in_progress', progress: 0.4 });
    const done = taskView(task(), CREATED + 10_000, context());
    expect(done).toMatchObject({ status: 'completed', progress: 1, usage: { cost: '0.0300', discount: 0 } });
    expect(done.output).toEqual([
      { content: [{ type: 'image', size: picture.length, jobId: 'job-d758n65e878c73cmdg20', b64_json: picture.toString('base64') }] },
    ]);
  });

  it('keeps running past the latency while the picture is not rendered yet', () => {
    expect(taskView(task({ result: null }), CREATED + 60_000, context())).toMatchObject({ status: 'in_progress', progress: 0.99 });
  });

  it('with latency 0 (a synchronous service) is completed at once', () => {
    expect(taskView(task(), CREATED, context({ latencyMs: 0 }))).toMatchObject({ status: 'completed' });
  });

  it('names the task and its states the other way in the task-id variant, with the picture in binary_data_base64', () => {
    const variant = task({ variant: 'task-id' });
    expect(taskView(variant, CREATED + 500, context())).toMatchObject({ task_id: variant.id, status: 'queued' });
    expect(taskView(variant, CREATED + 500, context())).not.toHaveProperty('id');
    expect(taskView(variant, CREATED + 5_000, context())).toMatchObject({ status: 'processing' });
    const done = taskView(variant, CREATED + 10_000, context());
    expect((done.output as { content: Record<string, unknown>[] }[])[0]!.content[0]).toMatchObject({ binary_data_base64: [picture.toString('base64')] });
  });

  it('links the result on the result host when the create asked for a URL', () => {
    const done = taskView(task({ returnUrl: true }), CREATED + 10_000, context());
    const content = (done.output as { content: Record<string, unknown>[] }[])[0]!.content[0]!;
    expect(content.url).toBe('http://127.0.0.1:4000/results/d758n65e878c73cmdg20/0.jpg');
    expect(content).not.toHaveProperty('b64_json');
  });

  it('fails with the seed code in each error shape the protocol allows', () => {
    const at = CREATED + 10_000;
    expect(taskView(task({ failCode: '003008095' }), at, context())).toMatchObject({
      status: 'failed',
      error: { code: '003008095', error_message: expect.any(String) },
    });
    expect(taskView(task({ failCode: '003008095', variant: 'task-id' }), at, context()).error).toEqual({ code: '003008095', message: expect.any(String) });
    expect(taskView(task({ failCode: '003008095', variant: 'string-error' }), at, context()).error).toMatch(/^003008095: /);
    // A picture that could not be rendered is a generation error.
    expect(taskView(task({ result: null, renderError: 'bad image' }), at, context())).toMatchObject({ status: 'failed', error: { code: '003008095' } });
  });

  it('follows the faults in force: never finishing, a hostile message, an odd cost, several results', () => {
    const at = CREATED + 60_000;
    expect(taskView(task(), at, context({ faults: { neverFinish: true } }))).toMatchObject({ status: 'in_progress' });
    expect(taskView(task({ failCode: '003008095' }), at, context({ faults: { hostileMessage: '\u001b[2Jgotcha' } })).error).toMatchObject({
      error_message: '\u001b[2Jgotcha',
    });
    expect(taskView(task(), at, context({ faults: { oddCost: '1e308' } })).usage).toEqual({ cost: '1e308', discount: 0 });
    expect((taskView(task(), at, context({ faults: { resultsPerTask: 3 } })).output as { content: unknown[] }[])[0]!.content).toHaveLength(3);
  });
});
