import test from 'ava';
import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';

const child = fileURLToPath(new URL('support/keys-apart-child.ts', import.meta.url));

type Report = {
	session: number;
	helpers: Array<{pid: number; session: number | undefined}>;
	first: Array<{bits: number | undefined; works: boolean}>;
	afterKill: {bits: number | undefined; works: boolean};
};

/** Runs the child to its own exit: an idle key maker must not hold the process open. */
async function runChild(): Promise<Report> {
	return new Promise((resolve, reject) => {
		execFile(process.execPath, ['--import=tsx', child], {timeout: 120_000}, (error, stdout, stderr) => {
			if (error) reject(new Error(`${error.message}\n${stderr}`));
			else resolve(JSON.parse(stdout) as Report);
		});
	});
}

test('the wizard\'s RSA keys come from a helper process in a session of its own, which ends with the wizard', async t => {
	const report = await runChild();
	t.deepEqual(report.first, [{bits: 2048, works: true}, {bits: 3072, works: true}]);
	t.is(report.helpers.length, 1, 'one key maker, started by the first key');
	const [helper] = report.helpers;
	t.not(helper!.session, report.session, 'the key maker runs in another session (setsid), so in another scheduling group');
	// Its stdin closed with the child's exit; wait for that to end it, bounded generously by the loaded machine.
	for (let waited = 0; existsSync(`/proc/${helper!.pid}`) && waited < 30_000; waited += 100) await sleep(100);
	t.false(existsSync(`/proc/${helper!.pid}`), `key maker ${helper!.pid} still runs 30 s after the process it served ended`);
});

test('a key the key maker was making when it died is made in process instead, of the size asked for', async t => {
	const report = await runChild();
	t.deepEqual(report.afterKill, {bits: 4096, works: true});
});
