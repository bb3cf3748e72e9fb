import { describe, expect, it } from 'vitest';
import { emulator } from '../helpers/emulator.js';
import { makeImage } from '../helpers/images.js';
import { stubServer } from '../helpers/stub-server.js';

const KEY = 'sk-emulator-guard-key';

/** One create with image_urls straight to the emulator's API, and the task it made as read back. */
async function stylizeUrl(url: string): Promise<{ status: string; error?: unknown }> {
  const server = await emulator({ latencyMs: 0, plain: true, key: KEY });
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const body = { model: 'spark_style_template', input: [{ params: { req_key: 'img2img_ghibli_style_usage', image_urls: [url], return_url: true } }] };
  const created = (await (await fetch(`${server.url}/model/v1/generation`, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as { id: string };
  return (await (await fetch(`${server.url}/model/v1/generation/task/${created.id}`, { headers })).json()) as { status: string; error?: unknown };
}

describe('the emulator fetches image_urls from this machine only', () => {
  it('checks every redirect hop: a loopback URL redirecting elsewhere is not followed', async () => {
    const photo = await makeImage(800, 600);
    let port = 0;
    // 0.0.0.0 reaches this machine on Linux, so the test never leaves it, but it is not a loopback name.
    const stub = await stubServer([
      (_, response) => response.writeHead(302, { location: `http://0.0.0.0:${port}/elsewhere.jpg` }).end(),
      (_, response) => response.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo),
    ]);
    port = Number(new URL(stub.url).port);
    const task = await stylizeUrl(`${stub.url}/photo.jpg`);
    expect(task.status).toBe('failed');
    expect(stub.requests.map((request) => request.url)).toEqual(['/photo.jpg']);
  });

  it('still follows a redirect that stays on loopback', async () => {
    const photo = await makeImage(800, 600);
    const stub = await stubServer([
      (_, response) => response.writeHead(302, { location: '/moved.jpg' }).end(),
      (_, response) => response.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo),
    ]);
    expect((await stylizeUrl(`${stub.url}/photo.jpg`)).status).toBe('completed');
  });

  it('caps the size of a fetched image', async () => {
    const huge = Buffer.alloc(40 * 1024 * 1024, 0xff);
    const stub = await stubServer([(_, response) => response.writeHead(200, { 'content-type': 'image/jpeg' }).end(huge)]);
    const task = await stylizeUrl(`${stub.url}/huge.jpg`);
    expect(task.status).toBe('failed');
  });
});

describe('POST /_emulator/faults', () => {
  it('needs the key and a JSON body (a web page cannot set faults)', async () => {
    const server = await emulator({ key: KEY });
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/_emulator/faults`, { method: 'POST', headers, body: '{"neverFinish": true}' }).then((response) => response.status);
    expect(await post({ 'content-type': 'text/plain' })).toBe(401);
    expect(await post({ 'content-type': 'application/json' })).toBe(401);
    expect(await post({ 'content-type': 'text/plain', authorization: `Bearer ${KEY}` })).toBe(415);
    expect(await post({ 'content-type': 'application/json', authorization: 'Bearer wrong' })).toBe(401);
    expect(await post({ 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${KEY}` })).toBe(200);
  });

  it('a body that is not a JSON object (null, an array, a number, broken JSON) is refused with 400 and the emulator keeps working', async () => {
    const server = await emulator({ key: KEY, latencyMs: 0, plain: true });
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    for (const body of ['null', '[1]', '7', '{"failEvery":']) {
      const response = await fetch(`${server.url}/_emulator/faults`, { method: 'POST', headers, body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain('JSON object');
    }
    const create = {
      model: 'spark_style_template',
      input: [{ params: { req_key: 'img2img_ghibli_style_usage', binary_data_base64: [(await makeImage(800, 600)).toString('base64')], return_url: true } }],
    };
    const created = await fetch(`${server.url}/model/v1/generation`, { method: 'POST', headers, body: JSON.stringify(create) });
    expect(created.status).toBe(200);
    expect(server.stats().tasks_created).toBe(1);
  });
});
