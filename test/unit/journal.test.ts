import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemKey, Journal } from '../../src/runner/journal.js';
import { tempDir } from '../helpers/tmp.js';

const created = (taskId: string, key: string) => ({
  task_id: taskId,
  key,
  input: 'a.jpg',
  input_sha256: 'abc',
  style: 'ghibli',
  req_key: 'img2img_ghibli_style_usage',
  sub_req_key: null,
  options: { return_url: true, logo_info: null },
  output_base: 'a.ghibli',
});

describe('Journal', () => {
  it('writes JSON lines with mode 0600 and reads them back in a new process', () => {
    const path = join(tempDir(), 'state', 'journal.jsonl');
    const journal = Journal.open(path);
    journal.recordCreated(created('t1', 'k1'));
    journal.recordCreated(created('t2', 'k2'));
    journal.recordFinished({ task_id: 't2', key: 'k2', outcome: 'failed', error_code: '003008095' });
    journal.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line).event)).toEqual(['created', 'created', 'finished']);
    const again = Journal.open(path);
    expect(again.lookup('k1')).toMatchObject({ outcome: 'open', created: { task_id: 't1' } });
    expect(again.lookup('k2')).toMatchObject({ outcome: 'failed', errorCode: '003008095' });
    expect(again.findTask('t1')?.output_base).toBe('a.ghibli');
  });

  it('keeps everything before a torn last line', () => {
    const path = join(tempDir(), 'journal.jsonl');
    const journal = Journal.open(path);
    journal.recordCreated(created('t1', 'k1'));
    journal.close();
    appendFileSync(path, '{"event":"created","task_id":"t9","ke');
    expect(Journal.open(path).lookup('k1')?.created.task_id).toBe('t1');
  });

  it('a newer task for the same key replaces the older', () => {
    const journal = Journal.open(join(tempDir(), 'journal.jsonl'));
    journal.recordCreated(created('old', 'k'));
    journal.recordFinished({ task_id: 'old', key: 'k', outcome: 'failed', error_code: '003008095' });
    journal.recordCreated(created('new', 'k'));
    expect(journal.lookup('k')).toMatchObject({ outcome: 'open', created: { task_id: 'new' } });
    journal.close();
  });
});

describe('itemKey', () => {
  const base = { inputSha256: 'abc', reqKey: 'img2img_comic_style_usage', subReqKey: 'img2img_comic_style_marvel', options: { return_url: true, logo_info: null } };
  it('is stable and ignores option order', () => {
    expect(itemKey(base)).toBe(itemKey({ ...base, options: { logo_info: null, return_url: true } }));
  });
  it('changes with anything that changes the result', () => {
    expect(itemKey(base)).not.toBe(itemKey({ ...base, inputSha256: 'abd' }));
    expect(itemKey(base)).not.toBe(itemKey({ ...base, subReqKey: 'img2img_comic_style_monet' }));
    expect(itemKey(base)).not.toBe(itemKey({ ...base, options: { return_url: false, logo_info: null } }));
    expect(itemKey(base)).not.toBe(itemKey({ ...base, options: { return_url: true, logo_info: { add_logo: true } } }));
  });
});
