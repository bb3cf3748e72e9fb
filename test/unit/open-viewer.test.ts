import { describe, expect, it } from 'vitest';
import { openOnce, pickWhatToOpen, whyNotOpen, type DesktopFacts } from '../../src/cmdutil/open-viewer.js';

const desktop: DesktopFacts = { stdoutIsTTY: true, env: { DISPLAY: ':0' }, platform: 'linux' };

describe('--open: whether a window may open', () => {
  it('opens on a Linux desktop (X11 or Wayland), on macOS and Windows terminals', () => {
    expect(whyNotOpen(desktop)).toBeNull();
    expect(whyNotOpen({ ...desktop, env: { WAYLAND_DISPLAY: 'wayland-0' } })).toBeNull();
    expect(whyNotOpen({ ...desktop, env: {}, platform: 'darwin' })).toBeNull();
    expect(whyNotOpen({ ...desktop, env: {}, platform: 'win32' })).toBeNull();
  });

  it('never in a pipe, under CI, or without a display', () => {
    expect(whyNotOpen({ ...desktop, stdoutIsTTY: false })).toMatch(/not a terminal/);
    expect(whyNotOpen({ ...desktop, env: { DISPLAY: ':0', CI: 'true' } })).toMatch(/CI/);
    expect(whyNotOpen({ ...desktop, env: { DISPLAY: ':0', CI: '1' }, platform: 'darwin' })).toMatch(/CI/);
    expect(whyNotOpen({ ...desktop, env: {} })).toMatch(/no display/);
    expect(whyNotOpen({ ...desktop, env: { DISPLAY: '' }, platform: 'freebsd' })).toMatch(/no display/);
  });

  it('reads CI=false and CI=0 as "not CI"', () => {
    expect(whyNotOpen({ ...desktop, env: { DISPLAY: ':0', CI: 'false' } })).toBeNull();
    expect(whyNotOpen({ ...desktop, env: { DISPLAY: ':0', CI: '0' } })).toBeNull();
  });
});

describe('--open: what one run shows', () => {
  it('the report, else the sheet, else the one result, else the folder holding them all', () => {
    expect(pickWhatToOpen({ report: '/r/report.html', sheet: '/r/sheet.jpg', saved: ['/r/a.jpg'] })).toBe('/r/report.html');
    expect(pickWhatToOpen({ sheet: '/r/sheet.jpg', saved: ['/r/a.jpg', '/r/b.jpg'] })).toBe('/r/sheet.jpg');
    expect(pickWhatToOpen({ saved: ['/art/a.ghibli.jpg'] })).toBe('/art/a.ghibli.jpg');
    expect(pickWhatToOpen({ saved: ['/art/x/a.jpg', '/art/x/b.jpg', '/art/y/c.jpg'] })).toBe('/art');
    expect(pickWhatToOpen({ saved: ['/art/ab/a.jpg', '/art/abc/b.jpg'] })).toBe('/art');
    expect(pickWhatToOpen({ saved: [] })).toBeNull();
  });
});

describe('--open: the opener', () => {
  it('is never called under CI, in a pipe or without a display', async () => {
    const opened: string[] = [];
    const opener = async (path: string) => void opened.push(path);
    const refusals = [
      { ...desktop, env: { DISPLAY: ':0', CI: 'true' } },
      { ...desktop, stdoutIsTTY: false },
      { ...desktop, env: {} },
    ];
    for (const facts of refusals) {
      const outcome = await openOnce('/art/a.jpg', facts, opener);
      expect(outcome?.opened).toBe(false);
      expect(outcome?.note).toMatch(/^--open: nothing opened: /);
    }
    expect(opened).toEqual([]);
  });

  it('opens exactly the one path on a desktop; a failing viewer is a note, not an error', async () => {
    const opened: string[] = [];
    expect(await openOnce('/art/a.jpg', desktop, async (path) => void opened.push(path))).toEqual({ opened: true, note: 'opened /art/a.jpg' });
    expect(opened).toEqual(['/art/a.jpg']);
    const failing = await openOnce('/art/a.jpg', desktop, async () => {
      throw new Error('xdg-open not found');
    });
    expect(failing).toEqual({ opened: false, note: '--open: could not open /art/a.jpg: xdg-open not found' });
    expect(await openOnce(null, desktop, async () => void opened.push('x'))).toBeNull();
    expect(opened).toEqual(['/art/a.jpg']);
  });
});
