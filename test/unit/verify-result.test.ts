import { describe, expect, it } from 'vitest';
import { describeBytes, NotAnImageError, verifyImage } from '../../src/runner/verify-result.js';
import { makeImage } from '../helpers/images.js';

describe('verifyImage', () => {
  it('accepts JPEG, PNG, WebP and GIF that decode, and names the extension', async () => {
    expect(await verifyImage(await makeImage(64, 48, 'jpeg'))).toBe('jpg');
    expect(await verifyImage(await makeImage(64, 48, 'png'))).toBe('png');
    expect(await verifyImage(await makeImage(64, 48, 'webp'))).toBe('webp');
    expect(await verifyImage(await makeImage(64, 48, 'gif'))).toBe('gif');
  });

  it('refuses an HTML page, JSON, an empty body and a truncated JPEG, saying what came instead', async () => {
    await expect(verifyImage(Buffer.from('<!DOCTYPE html><html><body>Sign in</body></html>'))).rejects.toThrow(
      'the result host answered text/html, not an image',
    );
    await expect(verifyImage(Buffer.from('{"error":"expired"}'))).rejects.toThrow('answered JSON, not an image');
    await expect(verifyImage(Buffer.alloc(0))).rejects.toThrow('answered an empty body, not an image');
    const jpeg = await makeImage(400, 300, 'jpeg', { noise: true });
    const error = await verifyImage(jpeg.subarray(0, Math.floor(jpeg.length / 2))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotAnImageError);
    expect((error as NotAnImageError).code).toBe('not-an-image');
  });

  it('still reads to the end of a large picture: one cut short near its end is refused, whatever its format', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const bytes = await makeImage(1600, 1200, format, { noise: true });
      expect(await verifyImage(bytes)).toBe(format === 'jpeg' ? 'jpg' : format);
      const error = await verifyImage(bytes.subarray(0, bytes.length - 2048)).catch((caught: unknown) => caught);
      expect(error, format).toBeInstanceOf(NotAnImageError);
    }
  });

  it('describes bytes by their content', () => {
    expect(describeBytes(Buffer.from('  <html><head><title>x</title></head></html>'))).toBe('text/html');
    expect(describeBytes(Buffer.from('plain words'))).toBe('text/plain');
    expect(describeBytes(Buffer.from([0, 1, 2, 3, 250, 251]))).toBe('6 bytes that do not decode as an image');
  });
});
