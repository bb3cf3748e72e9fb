import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/api/errors.js';
import { parseErrorBody, parseTask } from '../../src/api/wire.js';

describe('parseTask', () => {
  it('reads the id from id or task_id', () => {
    expect(parseTask({ id: 'a1', status: 'pending' }).id).toBe('a1');
    expect(parseTask({ task_id: 'b2', status: 'queued' }).id).toBe('b2');
  });

  it.each([
    ['pending', 'waiting'],
    ['queued', 'waiting'],
    ['processing', 'running'],
    ['in_progress', 'running'],
    ['completed', 'completed'],
    ['failed', 'failed'],
    ['warming_up', 'running'],
    ['COMPLETED', 'completed'],
  ])('maps status %s to %s', (status, state) => {
    expect(parseTask({ id: 'x', status }).state).toBe(state);
  });

  it('keeps progress optional and within 0..1', () => {
    expect(parseTask({ id: 'x', status: 'in_progress' }).progress).toBeNull();
    expect(parseTask({ id: 'x', status: 'in_progress', progress: 0.4 }).progress).toBe(0.4);
    expect(parseTask({ id: 'x', status: 'in_progress', progress: 1.7 }).progress).toBe(1);
  });

  it('reads the three error shapes, codes as strings', () => {
    expect(parseTask({ id: 'x', status: 'failed', error: 'Internal generation error' }).error).toEqual({ code: null, message: 'Internal generation error' });
    expect(parseTask({ id: 'x', status: 'failed', error: '003008096: Result parsing error' }).error).toEqual({
      code: '003008096',
      message: '003008096: Result parsing error',
    });
    expect(parseTask({ id: 'x', status: 'failed', error: { code: '003008095', message: 'boom' } }).error).toEqual({ code: '003008095', message: 'boom' });
    expect(parseTask({ id: 'x', status: 'failed', error: { code: '003008097', error_message: 'HTTP error response' } }).error).toEqual({
      code: '003008097',
      message: 'HTTP error response',
    });
  });

  it('restores the leading zeros of a code sent as a number', () => {
    expect(parseTask({ id: 'x', status: 'failed', error: { code: 3008095, message: 'm' } }).error?.code).toBe('003008095');
  });

  it('reads results as URL or inline base64, with cost', () => {
    const task = parseTask({
      id: 'x',
      status: 'completed',
      output: [
        {
          content: [
            { type: 'image', url: 'https://cdn.example/x.jpg', size: 812345, jobId: 'j' },
            { type: 'image', b64_json: 'QUJD' },
            { type: 'image', binary_data_base64: ['REVG'] },
          ],
        },
      ],
      usage: { cost: '0.0300', discount: 0 },
    });
    expect(task.results).toEqual([
      { kind: 'url', url: 'https://cdn.example/x.jpg', size: 812345 },
      { kind: 'base64', base64: 'QUJD' },
      { kind: 'base64', base64: 'REVG' },
    ]);
    expect(task.cost).toBe('0.0300');
  });

  it('ignores unknown fields and unwraps {data: task}', () => {
    expect(parseTask({ data: { id: 'w', status: 'completed', extra: [1, 2] } }).id).toBe('w');
  });

  it('turns what it cannot understand into a ProtocolError', () => {
    expect(() => parseTask({ status: 'completed' })).toThrow(ProtocolError);
    expect(() => parseTask({ id: 'x' })).toThrow(ProtocolError);
    expect(() => parseTask('nonsense')).toThrow(ProtocolError);
    expect(() => parseTask({ id: 'x', status: 'completed', output: 'nope' })).toThrow(ProtocolError);
  });
});

describe('parseErrorBody', () => {
  it.each([
    ['{"message":"Invalid key"}', null, 'Invalid key'],
    ['{"error":"quota exceeded"}', null, 'quota exceeded'],
    ['{"error":{"code":"003008002","message":"Invalid req_key"}}', '003008002', 'Invalid req_key'],
    ['{"code":"003008003","error_message":"Invalid sub_req_key"}', '003008003', 'Invalid sub_req_key'],
    ['<html>502 Bad Gateway</html>', null, '<html>502 Bad Gateway</html>'],
  ])('%s', (body, code, message) => {
    expect(parseErrorBody(body)).toMatchObject({ code, message });
  });
});
