// Small DOM helpers of the app: typed lookups that fail loudly when the page and the code disagree.

/** The element with this id, of this type (a missing one is a bug in index.html, not user input). */
export function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`index.html: #${id}: missing or not a ${type.name}`);
  return el;
}

/** The last option of a preset <select> (space, network, architecture): use the file picked beside it. */
export const FILE_OPTION = '(a file…)';

/** Fills a <select> with options (value = label unless given). */
export function fillSelect(select: HTMLSelectElement, options: ReadonlyArray<string | [value: string, label: string]>): void {
  select.replaceChildren(...options.map((o) => {
    const [value, label] = typeof o === 'string' ? [o, o] : o;
    const option = document.createElement('option');
    option.value = value;
    option.textContent = label;
    return option;
  }));
}

/** Starts a download of `text` as a file named `name`. */
export function download(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
