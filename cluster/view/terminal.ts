// The live terminal view (a TTY): redraw the harbour on every change
// ==================================================================
// CONCEPT   When stdout is a terminal we take over the screen (the alternate screen, as `top` and
//           `less` do), and redraw the whole harbour from a fresh snapshot after each change,
//           at most four times a second so a burst of a hundred pod updates costs one redraw.
//           On exit we give the screen back and print the final picture once, so it stays in the
//           scrollback.
// REAL K8S  None; `kubectl get pods -w` prints lines instead, which is our non-TTY mode (lines.ts).
// SHIPS     The harbour master's window, wiped and redrawn as the ships move.
// EXAMPLE   const stop = startTerminalView(watch, process.stdout);  ...  stop();
// SKIPPED   keyboard input (Ctrl-C is handled by the launcher's signal handler).

import type { HarbourWatch } from './harbour-watch.ts';
import { renderHarbour } from './render.ts';

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[?25l';
const ALT_SCREEN_OFF = '\x1b[?25h\x1b[?1049l';

/** Starts drawing; returns a function that stops and restores the terminal. */
export function startTerminalView(watch: HarbourWatch, out: NodeJS.WriteStream, footer: string[] = []): () => void {
  const color = !process.env.NO_COLOR;
  let scheduled: NodeJS.Timeout | undefined;
  let last = 0;
  const draw = () => {
    scheduled = undefined;
    last = Date.now();
    const rows = out.rows || 40;
    const snapshot = watch.snapshot();
    let lines = [...renderHarbour(snapshot, { width: out.columns || 80, color }), ...footer];
    // A big harbour does not fit: one line per ship keeps the dock and the log on screen.
    if (lines.length > rows - 1) lines = [...renderHarbour(snapshot, { width: out.columns || 80, color, compact: true }), ...footer];
    lines = lines.slice(0, rows - 1);
    // Home, then each line followed by "clear to end of line", then clear below: no flicker.
    out.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\n')}\n\x1b[J`);
  };
  const request = () => {
    if (scheduled) return;
    scheduled = setTimeout(draw, Math.max(0, 250 - (Date.now() - last)));
  };
  out.write(ALT_SCREEN_ON);
  watch.on('change', request);
  out.on('resize', request);
  // Lease expiry and "n s ago" change with time alone, so we also redraw every second.
  const tick = setInterval(request, 1000);
  draw();
  return () => {
    clearInterval(tick);
    if (scheduled) clearTimeout(scheduled);
    watch.off('change', request);
    out.off('resize', request);
    out.write(ALT_SCREEN_OFF);
    out.write(renderHarbour(watch.snapshot(), { width: out.columns || 80, color }).join('\n') + '\n');
  };
}
