// The page's wording and form checks that need no browser: how results name the winner or the tie,
// how a ballot says how many options to choose, and what the admin's new-election form accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choiceRule, outcomeText } from '../app/election.js';
import { readElectionForm } from '../app/admin.js';

const results = (counts) => Object.entries(counts).map(([option, votes]) => ({ option, votes }));

test('results name the winner, or every option of a tie', () => {
  assert.equal(outcomeText({ tally: 'done', winner: 'Tallinn', results: results({ Lisbon: 0, Tallinn: 1 }) }),
    'Winner: Tallinn, 1 vote.');
  assert.equal(outcomeText({ tally: 'done', winner: 'yes', results: results({ yes: 3, no: 2 }) }), 'Winner: yes, 3 votes.');
  assert.equal(outcomeText({ tally: 'done', tie: ['a', 'b'], results: results({ a: 2, b: 2, c: 0 }) }),
    'Tie: a and b, 2 votes each.');
  assert.equal(outcomeText({ tally: 'done', tie: ['a', 'b', 'c'], results: results({ a: 0, b: 0, c: 0 }) }),
    'Tie: a, b and c, 0 votes each.');
  assert.equal(outcomeText({ tally: 'failed', error: 'more than f replicas are faulty' }),
    'The tally failed: more than f replicas are faulty.');
});

test('a ballot says how many options to choose', () => {
  assert.equal(choiceRule({ minChoices: 1, maxChoices: 1 }), 'Choose one option');
  assert.equal(choiceRule({ minChoices: 2, maxChoices: 2 }), 'Choose 2 options');
  assert.equal(choiceRule({ minChoices: 1, maxChoices: 3 }), 'Choose 1 to 3 options');
  assert.equal(choiceRule({ minChoices: 0, maxChoices: 2 }), 'Choose up to 2 options');
});

function form(fields) {
  return { elements: { namedItem: (name) => ({ value: fields[name] ?? '' }) } };
}

test('the new-election form reads options one per line and voters by commas or spaces, and says what is wrong', () => {
  assert.deepEqual(readElectionForm(form({ title: ' Lunch ', options: 'Pizza\n\n Sushi \r\nTacos', minChoices: '1',
    maxChoices: '2', voters: 'bob, carol\ndave' })),
  { title: 'Lunch', options: ['Pizza', 'Sushi', 'Tacos'], minChoices: 1, maxChoices: 2, voters: ['bob', 'carol', 'dave'] });
  const refused = (fields, pattern) => assert.throws(() => readElectionForm(form({ title: 'T', options: 'a\nb',
    minChoices: '1', maxChoices: '1', ...fields })), pattern);
  refused({ title: '  ' }, /title/);
  refused({ options: 'only one' }, /at least two options/);
  refused({ options: 'a\na' }, /two lines are the same/);
  refused({ minChoices: '2', maxChoices: '1' }, /choices must satisfy/);
  refused({ maxChoices: '3' }, /choices must satisfy/);
  refused({ maxChoices: '0', minChoices: '0' }, /choices must satisfy/);
});
