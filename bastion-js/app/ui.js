// Small DOM helpers the page's parts share: elements, the log of what happened, buttons that report
// their failures there, and trackers shown short with the full value at hand.

export const $ = (id) => document.getElementById(id);

/** An element with properties (dataset and attributes under those names) and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name in node) node[name] = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** The time of day, as the log and the ballot box show it. */
export function clock(millis = Date.now()) {
  return new Date(millis).toLocaleTimeString();
}

/**
 * Adds an entry at the top of "What happened": the newest first. signed (an outcome of bastion-js)
 * names the replicas that signed the answer, and any that signed something else.
 */
export function log(text, kind = 'info', signed = null) {
  const li = el('li', { className: kind }, el('time', {}, clock()), ' ', text);
  if (signed?.agreeing) {
    li.append(el('span', { className: 'signed' }, ` (signed by replicas ${signed.agreeing.join(', ')}`
      + (signed.dissenting.length ? `; replica ${signed.dissenting.join(', ')} signed something else` : '') + ')'));
  }
  $('log').prepend(li);
}

/** A button that runs handler, disabled meanwhile; a failure goes to the log. */
export function button(text, handler, name, className) {
  const b = el('button', { type: 'button', name, className }, text);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await handler();
    } catch (e) {
      log(e.message, 'error', e.outcome);
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

/** "1f0c9a3e…b7d2": the first 8 and last 4 hex digits. */
export function shortTracker(hex) {
  return `${hex.slice(0, 8)}…${hex.slice(-4)}`;
}

/** A tracker, short, the whole value in its title (hover) and data-tracker, with a Copy button. */
export function trackerView(hex) {
  return el('span', { className: 'tracker-view' },
    el('code', { className: 'tracker', title: hex, dataset: { tracker: hex } }, shortTracker(hex)),
    button('Copy', async () => {
      await copyText(hex);
      log(`Tracker ${shortTracker(hex)} copied.`);
    }, 'copy', 'small'));
}

/** Puts text on the clipboard; where the Clipboard API is refused, through a selected text field. */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const field = el('textarea', { value: text, readOnly: true, className: 'offscreen' });
    document.body.append(field);
    field.select();
    const copied = document.execCommand('copy');
    field.remove();
    if (!copied) throw new Error(`The browser did not allow copying; the tracker is ${text}`);
  }
}
