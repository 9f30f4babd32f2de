/**
 * Time from launch to the first frame of `node dist/cli.js` (the wizard) in a real pseudo-terminal, against a
 * bare Ink program that renders one line (bench/fixtures/hello-ink.js). Runs alternate so machine noise hits both
 * alike; the medians are compared. Target (DESIGN.md): the wizard at most 1.0× the bare program, which imports ink from node_modules as a plain program does (the wizard runs from its esbuild bundle).
 *
 * The pty comes from python3's pty module with the window size set first (a 0-column pty makes Ink wrap after
 * every character, stack-notes §4); the clock runs inside that process, so python's own start-up is not counted.
 */
import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const hello = join(root, 'bench', 'fixtures', 'hello-ink.js');

export const name = 'first-frame';
export const target = 1;

const ptyTimer = String.raw`
import os, pty, sys, time, fcntl, termios, struct, signal, select
marker = sys.argv[1].encode()
start = time.monotonic()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
seen = b''
elapsed = None
while time.monotonic() - start < 20:
    ready, _, _ = select.select([fd], [], [], 0.5)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if marker in seen:
        elapsed = (time.monotonic() - start) * 1000
        break
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
if elapsed is None:
    sys.stderr.write('no first frame containing %r; output was %r\n' % (marker, seen[-400:]))
    sys.exit(1)
print('%.1f' % elapsed)
`;

async function firstFrameMs(marker: string, command: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
	const {stdout} = await run('python3', ['-c', ptyTimer, marker, ...command], {env, cwd});
	return Number(stdout.trim());
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export type FirstFrameResult = {wizardMs: number[]; helloMs: number[]; ratio: number; ok: boolean; report: string};

export async function measure(rounds = 9): Promise<FirstFrameResult> {
	if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
	const home = await mkdtemp(join(tmpdir(), 'mtls-wizard-bench-'));
	const env: NodeJS.ProcessEnv = {...process.env, MTLS_WIZARD_HOME: home, TERM: 'xterm-256color'};
	const wizardMs: number[] = [];
	const helloMs: number[] = [];
	try {
		// One unmeasured pair warms the file cache for both.
		await firstFrameMs('mtls-wizard', [process.execPath, cli], env, home);
		await firstFrameMs('hello from ink', [process.execPath, hello], env, home);
		for (let i = 0; i < rounds; i++) {
			const order = i % 2 === 0 ? ['wizard', 'hello'] : ['hello', 'wizard'];
			for (const which of order) {
				if (which === 'wizard') wizardMs.push(await firstFrameMs('mtls-wizard', [process.execPath, cli], env, home));
				else helloMs.push(await firstFrameMs('hello from ink', [process.execPath, hello], env, home));
			}
		}
	} finally {
		await rm(home, {recursive: true, force: true});
	}

	const ratio = median(wizardMs) / median(helloMs);
	const ok = ratio <= target;
	const report = [
		`first frame, 80x24 pty, median of ${rounds} alternating runs:`,
		`  mtls-wizard (node dist/cli.js)  ${median(wizardMs).toFixed(0)} ms  [${wizardMs.map(ms => ms.toFixed(0)).join(' ')}]`,
		`  bare Ink hello                  ${median(helloMs).toFixed(0)} ms  [${helloMs.map(ms => ms.toFixed(0)).join(' ')}]`,
		`  ratio ${ratio.toFixed(2)} (target <= ${target}): ${ok ? 'OK' : 'TOO SLOW'}`,
	].join('\n');
	return {wizardMs, helloMs, ratio, ok, report};
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const result = await measure();
	console.log(result.report);
	process.exitCode = result.ok ? 0 : 1;
}
