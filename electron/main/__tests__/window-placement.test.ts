import { describe, expect, it } from 'vitest';
import { restorableState } from '../window-placement.js';

const laptop = { x: 0, y: 0, width: 1440, height: 900 };
const monitor = { x: 1440, y: 0, width: 2560, height: 1440 };
const saved = { x: 1600, y: 100, width: 1280, height: 860, maximized: false, fullScreen: true };

describe('the window reopens where it was', () => {
  it('on a display that still shows it', () => {
    expect(restorableState(saved, [laptop, monitor])).toEqual(saved);
  });

  it('but centred by default once that display is gone, or half off every display', () => {
    expect(restorableState(saved, [laptop])).toBeNull();
    // Three quarters of the window hang off the laptop's right edge.
    expect(restorableState({ ...saved, x: 1440 - 320 }, [laptop])).toBeNull();
    expect(restorableState({ ...saved, x: 1440 - 800 }, [laptop])).toEqual({ ...saved, x: 640 });
  });

  it('and never from a damaged or absurd file', () => {
    for (const bad of [null, 'x', { ...saved, width: 10 }, { ...saved, height: 1e9 }, { ...saved, x: 1.5 }, { ...saved, maximized: 'yes' }]) {
      expect(restorableState(bad, [laptop, monitor])).toBeNull();
    }
  });
});
