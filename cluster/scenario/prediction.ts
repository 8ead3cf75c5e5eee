// Predictions: the class guesses before the cluster shows
// =======================================================
// CONCEPT   `s.predict(question)` prints the question and, at a terminal, pauses so the class can
//           discuss and type a guess (or just press Enter). The scenario then makes the cluster
//           show the answer and calls `reveal(answer, why)`, which prints it and says whether the
//           guess was right. Not at a terminal (piped, in CI) there is no pause, and we say why.
// REAL K8S  None: this is teaching, not Kubernetes.
// SHIPS     "Which ship will the crane pick?" - hands up before the crane moves.
// EXAMPLE   const p = await s.predict('Where does besu-3 go?', ['node-1', 'node-2']);
//           p.reveal('node-2', 'the most allocated node that still fits')
//           => "! REVEAL: node-2 (you said node-2: right!)"
// SKIPPED   Keeping score across predictions.

import { createInterface } from 'node:readline';
import type { Prediction } from './api.ts';
import type { Timeline } from './timeline.ts';

export interface PredictionOptions {
  timeline: Timeline;
  /** Pause at predictions (when stdin is a terminal). @default true */
  pause?: boolean;
  /** Where guesses are read from. @default process.stdin */
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Asks `question`, waits for a guess when it can, and returns the Prediction to reveal later. */
export async function predict(o: PredictionOptions, question: string, choices?: readonly string[]): Promise<Prediction> {
  const t = o.timeline;
  t.line('?', `PREDICT: ${question}${choices?.length ? `  [${choices.join(' | ')}]` : ''}`, 2);
  const guess = await askGuess(o);
  return {
    question, guess,
    reveal(answer: string, why?: string) {
      const verdict = guess ? (guess.trim().toLowerCase() === answer.toLowerCase() ? ` (you said ${guess}: right!)` : ` (you said ${guess})`) : '';
      t.line('!', `REVEAL: ${answer}${verdict}`, 2);
      if (why) t.detail(why);
    },
  };
}

async function askGuess(o: PredictionOptions): Promise<string | undefined> {
  const input = o.input ?? process.stdin;
  if (o.pause === false) return undefined;
  if (!input.isTTY) {
    o.timeline.detail('(not a terminal, so no pause: run with a terminal to discuss, or pass --no-pause to silence this)');
    return undefined;
  }
  const rl = createInterface({ input, output: process.stdout });
  const answer = await new Promise<string>((resolve) => rl.question('      discuss, then type a guess or just press Enter to reveal > ', resolve));
  rl.close();
  return answer.trim() || undefined;
}
