import { describe, expect, it } from 'vitest';
import { basePicture, emptyHistory, historyReducer, strokeCount, visibleOps, type HistoryAction, type SketchHistory, type SketchOp, type Stroke } from '../sketch-history.js';

const stroke = (x: number): Stroke => ({ kind: 'stroke', tool: 'pen', size: 128, width: 1.75, points: [x, 10, x + 5, 20] });
const picture = (name: string): SketchOp => ({ kind: 'picture', image: {} as CanvasImageSource, name });
const run = (actions: HistoryAction[], from: SketchHistory = emptyHistory): SketchHistory => actions.reduce(historyReducer, from);
const push = (op: SketchOp): HistoryAction => ({ type: 'push', op });

describe('the sketch history', () => {
  it('undoes and redoes strokes in order, and a new stroke drops what was undone', () => {
    const [a, b, c] = [stroke(1), stroke(2), stroke(3)];
    let h = run([push(a), push(b), push(c), { type: 'undo' }, { type: 'undo' }]);
    expect(h.done).toEqual([a]);
    h = run([{ type: 'redo' }], h);
    expect(h.done).toEqual([a, b]);
    expect(h.undone).toEqual([c]);
    const d = stroke(4);
    h = run([push(d)], h);
    expect(h.done).toEqual([a, b, d]);
    expect(h.undone).toEqual([]);
    // Undo past the start and redo past the end change nothing.
    expect(run([{ type: 'redo' }], h)).toBe(h);
    expect(run([{ type: 'undo' }, { type: 'undo' }, { type: 'undo' }, { type: 'undo' }], h).done).toEqual([]);
  });

  it('shows only what comes after the last clear or picture, and clear is undoable', () => {
    const [a, b] = [stroke(1), stroke(2)];
    const tote = picture('tote');
    let h = run([push(a), push({ kind: 'clear' }), push(tote), push(b)]);
    expect(visibleOps(h.done)).toEqual([tote, b]);
    expect(strokeCount(h.done)).toBe(1);
    expect(basePicture(h.done)).toBe(tote);
    h = run([push({ kind: 'clear' })], h);
    expect(visibleOps(h.done)).toEqual([]);
    expect(basePicture(h.done)).toBeUndefined();
    h = run([{ type: 'undo' }], h);
    expect(visibleOps(h.done)).toEqual([tote, b]);
    h = run([{ type: 'undo' }, { type: 'undo' }], h);
    expect(visibleOps(h.done)).toEqual([]);
    h = run([{ type: 'undo' }], h);
    expect(visibleOps(h.done)).toEqual([a]);
  });

  it('does not record clearing a blank canvas', () => {
    const blank = run([push({ kind: 'clear' })]);
    expect(blank.done).toEqual([]);
    const cleared = run([push(stroke(1)), push({ kind: 'clear' }), push({ kind: 'clear' })]);
    expect(cleared.done.map((op) => op.kind)).toEqual(['stroke', 'clear']);
  });
});
