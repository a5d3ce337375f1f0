// bastion-js in Node against real replicas over TLS (`bastion demo --https`): it reads
// /cluster.json over HTTPS and opens wss:// to every replica, trusting the cluster CA it is given
// (ca.crt) and nothing else; given another CA, it refuses the replicas. Needs the built bastion-cli
// jar; skipped with a message when it is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { connect } from '../src/bastion.js';
import { startDemo } from './demo.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const jar = join(root, 'bastion-cli', 'target', 'bastion.jar');
const missing = existsSync(jar) ? null : `no ${jar} (build first)`;
if (missing) console.log(`# node TLS test skipped: ${missing}`);

test('Node joins and reads over wss:// trusting the cluster CA, and refuses replicas from another CA',
  { skip: missing ?? false, timeout: 300_000 }, async () => {
    const demo = await startDemo(17700, ['--https', '--service', 'kv']); // any name joins the key-value service
    const other = mkdtempSync(join(tmpdir(), 'bastion-other-ca-'));
    try {
      assert.match(demo.url, /^https:/);
      const ca = readFileSync(join(demo.dir, 'ca.crt'));
      const client = await connect(new URL('/cluster.json', demo.url).href, { WebSocket, ca });
      try {
        await client.join(new TextEncoder().encode('alice'));
        await client.invoke('put greeting hello');
        const reply = await client.invoke('get greeting');
        assert.equal(reply.text, 'hello');
        assert.ok(client.links.every((l) => l.socket.url.startsWith('wss://')));
      } finally {
        client.close();
      }

      const made = spawnSync(join(root, 'bastion'), ['keygen', '--dir', join(other, 'c'), '--replicas', '1', '--clients', '0'],
        { encoding: 'utf8' });
      assert.equal(made.status, 0, made.stderr);
      const otherCa = readFileSync(join(other, 'c', 'ca.crt'));
      await assert.rejects(connect(new URL('/cluster.json', demo.url).href, { WebSocket, ca: otherCa }),
        /certificate/, 'a certificate from another CA is refused');
    } finally {
      rmSync(other, { recursive: true, force: true });
      await demo.stop();
    }
  });
