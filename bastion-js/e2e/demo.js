// Starts `bastion demo` for the end-to-end tests (a helper, not a test file).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const launcher = join(root, 'bastion'); // finds a JDK >= 21 by itself
// C1 only: a test's replicas live for a minute, in which C2 compiling costs more CPU than it saves
const REPLICA_JVM = '--replica-jvm=-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1';

/**
 * Starts `bastion demo` and resolves once it printed the page's address to {url, stop, dir,
 * output(), pids (replica id -> pid, as printed), type(line): a line on the demo's standard input}.
 */
export function startDemo(basePort, extra) {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-e2e-'));
  const child = spawn(launcher, ['demo', '--dir', join(dir, 'cluster'), '--base-port', String(basePort), REPLICA_JVM, ...extra],
    { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const stop = async () => {
    child.stdin.end();
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => { child.kill('SIGKILL'); r(); }, 15_000);
        child.on('exit', () => { clearTimeout(t); r(); });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`demo did not start within 120 s:\n${output}`)); }, 120_000);
    const onData = (chunk) => {
      output += chunk;
      const m = output.match(/Open (https?:\/\/127\.0\.0\.1:\d+\/)/);
      if (m && output.includes('Ctrl-C stops')) {
        clearTimeout(timer);
        const pids = new Map([...output.matchAll(/replica (\d+) +pid (\d+)/g)].map((p) => [Number(p[1]), Number(p[2])]));
        resolveStart({ url: m[1], stop, output: () => output, dir: join(dir, 'cluster'), pids,
          type: (line) => child.stdin.write(`${line}\n`) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => { output += c; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`demo exited (${code}):\n${output}`)); });
  });
}
