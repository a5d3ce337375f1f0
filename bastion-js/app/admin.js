// The admin's "New election" form: title, options (one per line), how many options a voter
// chooses, and optionally who may vote. The replicas make the election's key as it is created.
import { $, log } from './ui.js';

/** What the form asks for, read and checked; throws an Error saying what to fix. */
export function readElectionForm(form) {
  const title = form.elements.namedItem('title').value.trim();
  const options = form.elements.namedItem('options').value.split('\n').map((o) => o.trim()).filter(Boolean);
  const minChoices = Number(form.elements.namedItem('minChoices').value);
  const maxChoices = Number(form.elements.namedItem('maxChoices').value);
  const voters = form.elements.namedItem('voters').value.split(/[\s,]+/).filter(Boolean);
  if (!title) throw new Error('Give the election a title.');
  if (options.length < 2) throw new Error('Give at least two options, one per line.');
  if (new Set(options).size !== options.length) throw new Error('Each option once, please: two lines are the same.');
  if (!Number.isInteger(minChoices) || !Number.isInteger(maxChoices) || minChoices < 0 || maxChoices < 1
      || minChoices > maxChoices || maxChoices > options.length) {
    throw new Error(`The choices must satisfy 0 ≤ at least ≤ at most ≤ ${options.length} (the options), and at most ≥ 1.`);
  }
  return { title, options, minChoices, maxChoices, voters };
}

/** Wires the form: creates the election, then makes the listed voters eligible. page: {call, refresh}. */
export function wireNewElection(page) {
  const form = $('new-election-form');
  const status = $('new-election-status');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    status.className = '';
    try {
      const { title, options, minChoices, maxChoices, voters } = readElectionForm(form);
      status.textContent = 'Creating…';
      const { reply: created, outcome } = await page.call('createElection', { title, options, minChoices, maxChoices },
        { write: true });
      log(`Created election ${created.id}, "${created.title}" (${created.options.join(', ')}); the replicas are `
        + 'making its key.', 'info', outcome);
      if (voters.length) {
        const { reply, outcome: added } = await page.call('addVoters', { electionId: created.id, voters },
          { write: true });
        log(`"${created.title}": ${reply.added} voter${reply.added === 1 ? '' : 's'} added, ${reply.eligible} eligible.`,
          'info', added);
      }
      status.textContent = `Created election ${created.id}.`;
      form.reset();
      await page.refresh();
    } catch (e) {
      status.textContent = e.message;
      status.className = 'error';
      log(e.message, 'error', e.outcome);
    } finally {
      submit.disabled = false;
    }
  });
}
