import { describe, expect, it } from 'vitest';

describe('the published library (dist, minified): its error classes keep their names', () => {
  it('String(error) reads "UsageError: ..." for every exported error class, not a minified name', async () => {
    // The built bundle, as a program that installed the package imports it.
    const library = (await import(new URL('../../dist/index.js', import.meta.url).href)) as Record<string, unknown>;
    const classes = Object.entries(library).filter(([name, value]) => /^[A-Z]\w*Error$/.test(name) && typeof value === 'function');
    expect(classes.length).toBeGreaterThanOrEqual(17);
    for (const [name, ErrorClass] of classes) {
      const error = new (ErrorClass as new (...args: unknown[]) => Error)('boom', {});
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(String(error).startsWith(`${name}: `)).toBe(true);
    }
  });
});
