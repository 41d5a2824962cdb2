// The automation contract's second half (docs/app.md §4): document.body.dataset.state is "idle",
// "running", "done" or "error", and an error's message is shown on the page (#message);
// document.body.dataset.settled counts the runs that ended (done or error), so a script that changes the
// form can wait for the next one. Bad input is a
// GibbonError and shows its one-line message; anything else shows "internal error: <message>" (the stack
// goes to the console only, never onto the page).
import { GibbonError } from '../util/errors.ts';

export type PageState = 'idle' | 'running' | 'done' | 'error';

export function messageOf(error: unknown): string {
  if (error instanceof GibbonError) return error.message;
  return `internal error: ${error instanceof Error ? error.message : String(error)}`;
}

export function setState(state: PageState, message = ''): void {
  document.body.dataset.state = state;
  if (state === 'done' || state === 'error') document.body.dataset.settled = String(Number(document.body.dataset.settled ?? 0) + 1);
  const box = document.getElementById('message');
  if (box) {
    box.textContent = message;
    box.className = state === 'error' ? 'message error' : 'message';
    box.hidden = message === '';
  }
}

export function showError(error: unknown): void {
  if (!(error instanceof GibbonError)) console.error(error);
  setState('error', messageOf(error));
}
