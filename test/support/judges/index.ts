/**
 * Go crypto/tls and Java JSSE as judges of certificates, beside openssl and Node's tls.
 *
 *   judgeHandshake({server: {judge: 'go', ca, cert, key}, client: {judge: 'java', ca, cert, key, serverName}})
 *     → {server: Verdict, client: Verdict}   one mTLS connection between two judges on 127.0.0.1
 *   startJudgeServer({judge, ca, cert, key}) → {port, verdict, stop}   a judge's mTLS server (client certificate
 *     required and verified) for one connection from any client, e.g. Node's tls or a product stand-in
 *   judgeClient({judge, ca, cert?, key?, serverName, port}) → Verdict   a judge's client against any server on
 *     127.0.0.1:port; it verifies the server for serverName (Java with HTTPS endpoint identification)
 *
 * All paths are PEM files: ca may hold several certificates, cert a leaf followed by its chain, key unencrypted
 * PKCS#8. A Verdict is {accepted: true} or {accepted: false, error} with the judge's own error text, e.g. Go's
 * "x509: certificate signed by unknown authority", Java's "PKIX path building failed: ...".
 * A client verdict is `accepted` only once the server's greeting arrived (in TLS 1.3 the client's handshake
 * ends before the server has judged its certificate).
 * The Go program is built once per source hash, the Java one compiled once, into node_modules/.cache.
 * A missing `go` or `java`/`javac` throws naming the Debian package to install.
 */
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {constants, existsSync} from 'node:fs';
import {access, mkdir, readFile, rename, rm} from 'node:fs/promises';
import {delimiter, join} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

export type JudgeName = 'go' | 'java';
export type Verdict = {accepted: true} | {accepted: false; error: string};
export type JudgeServerSide = {judge: JudgeName; ca: string; cert: string; key: string};
export type JudgeClientSide = {judge: JudgeName; ca: string; cert?: string; key?: string; serverName: string};

const here = fileURLToPath(new URL('.', import.meta.url));
const cacheRoot = fileURLToPath(new URL('../../../node_modules/.cache/mtls-wizard-judges/', import.meta.url));
// Generous: a JVM starting on a loaded 2-core machine. The judges give up on their own after 60 s of silence.
const judgeLimitMs = 120_000;

const installHints: Record<string, string> = {
	go: 'install the Debian package "golang-go" (.ci/run does)',
	java: 'install a JDK, e.g. the Debian package "default-jdk-headless" (.ci/run does)',
	javac: 'install a JDK, e.g. the Debian package "default-jdk-headless" (.ci/run does)',
};

async function onPath(tool: string): Promise<string> {
	for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
		const candidate = join(dir, tool);
		try {
			await access(candidate, constants.X_OK);
			return candidate;
		} catch {
			// not in this directory
		}
	}

	throw new Error(`${tool} is not on PATH: ${installHints[tool]} to run the certificate judges in test/support/judges`);
}

type Finished = {code: number | null; stdout: string; stderr: string};

async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Finished> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('error', reject);
		child.on('close', code => resolve({code, stdout, stderr}));
	});
}

async function writable(dir: string | undefined): Promise<boolean> {
	if (!dir) return false;
	try {
		await access(dir, constants.W_OK);
		return true;
	} catch {
		return false;
	}
}

/**
 * Builds into a directory named after the source's hash, through a private temp name renamed into place,
 * so test files building at the same time neither collide nor see half a build.
 */
async function buildOnce(name: string, source: string, build: (outDir: string) => Promise<void>): Promise<string> {
	const hash = createHash('sha256').update(await readFile(source)).digest('hex').slice(0, 16);
	const outDir = join(cacheRoot, `${name}-${hash}`);
	if (existsSync(outDir)) return outDir;
	const buildDir = `${outDir}.building-${process.pid}`;
	await rm(buildDir, {recursive: true, force: true});
	await mkdir(buildDir, {recursive: true});
	try {
		await build(buildDir);
		await rename(buildDir, outDir);
	} catch (error) {
		await rm(buildDir, {recursive: true, force: true});
		// Another test file finished the same build first.
		if (existsSync(outDir)) return outDir;
		throw error;
	}

	return outDir;
}

async function buildGoJudge(): Promise<string[]> {
	const go = await onPath('go');
	const outDir = await buildOnce('go-judge', join(here, 'go-judge.go'), async buildDir => {
		// Standard library only: no proxy, no toolchain download. GOCACHE/GOPATH go to the cache when HOME is read-only.
		const env: NodeJS.ProcessEnv = {...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '', GO111MODULE: 'on'};
		if (!(await writable(process.env.HOME))) {
			env.GOCACHE = process.env.GOCACHE ?? join(cacheRoot, 'gocache');
			env.GOPATH = process.env.GOPATH ?? join(cacheRoot, 'gopath');
		}

		const result = await run(go, ['build', '-o', join(buildDir, 'go-judge'), join(here, 'go-judge.go')], env);
		if (result.code !== 0) throw new Error(`go build of test/support/judges/go-judge.go failed: ${result.stderr.trim()}`);
	});
	return [join(outDir, 'go-judge')];
}

async function buildJavaJudge(): Promise<string[]> {
	const [java, javac] = await Promise.all([onPath('java'), onPath('javac')]);
	// Compiled once: launching the source file directly recompiles it on every start, seconds each on a loaded machine.
	const outDir = await buildOnce('java-judge', join(here, 'Judge.java'), async buildDir => {
		const result = await run(javac, ['-d', buildDir, join(here, 'Judge.java')]);
		if (result.code !== 0) throw new Error(`javac test/support/judges/Judge.java failed: ${result.stderr.trim()}`);
	});
	// A short-lived peer: skip the optimising compiler, which only costs CPU here.
	return [java, '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', outDir, 'Judge'];
}

const commands = new Map<JudgeName, Promise<string[]>>();

/** The command line that starts a judge; built at most once per test process. */
async function judgeCommand(judge: JudgeName): Promise<string[]> {
	let command = commands.get(judge);
	if (!command) {
		command = judge === 'go' ? buildGoJudge() : buildJavaJudge();
		commands.set(judge, command);
		// A failed build is retried by the next caller rather than remembered.
		command.catch(() => commands.delete(judge));
	}

	return command;
}

function parseVerdict(judge: JudgeName, line: string): Verdict | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(line);
	} catch {
		return undefined;
	}

	if (typeof parsed !== 'object' || parsed === null) return undefined;
	const {verdict, error} = parsed as {verdict?: unknown; error?: unknown};
	if (verdict === 'accepted') return {accepted: true};
	if (verdict === 'refused' && typeof error === 'string') return {accepted: false, error};
	throw new Error(`the ${judge} judge printed a line that is no verdict: ${line}`);
}

type RunningJudge = {listening: Promise<number>; verdict: Promise<Verdict>; stop: () => void};

function startJudge(judge: JudgeName, command: string[], args: string[]): RunningJudge {
	const [file, ...leading] = command;
	const child = spawn(file!, [...leading, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr.on('data', chunk => (stderr += chunk));
	let onListening: (port: number) => void;
	let onVerdict: (verdict: Verdict) => void;
	let onFailure: (error: Error) => void;
	const listening = new Promise<number>((resolve, reject) => {
		onListening = resolve;
		child.on('close', () => reject(new Error(`the ${judge} judge exited before it listened: ${stderr.trim()}`)));
	});
	const verdict = new Promise<Verdict>((resolve, reject) => {
		onVerdict = resolve;
		onFailure = reject;
	});
	// Callers that only await the verdict must not see an unhandled rejection from the listening promise.
	listening.catch(() => {});
	const limit = setTimeout(() => {
		child.kill('SIGKILL');
		onFailure(new Error(`the ${judge} judge (${args[0]}) printed no verdict within ${judgeLimitMs / 1000} s: ${stderr.trim()}`));
	}, judgeLimitMs);
	createInterface({input: child.stdout}).on('line', line => {
		const port = /^listening (\d+)$/.exec(line);
		if (port) {
			onListening(Number(port[1]));
			return;
		}

		try {
			const parsed = parseVerdict(judge, line);
			if (parsed) onVerdict(parsed);
		} catch (error) {
			onFailure(error as Error);
		}
	});
	child.on('error', error => onFailure(error));
	child.on('close', code => {
		clearTimeout(limit);
		onFailure(new Error(`the ${judge} judge (${args[0]}) exited with code ${code} and no verdict: ${stderr.trim()}`));
	});
	return {listening, verdict, stop: () => child.kill('SIGKILL')};
}

/**
 * A judge's mTLS server on 127.0.0.1 for one connection; it requires a client certificate issued by ca.
 * stop() ends it when no client will come.
 */
export async function startJudgeServer(side: JudgeServerSide): Promise<{port: number; verdict: Promise<Verdict>; stop: () => void}> {
	const running = startJudge(side.judge, await judgeCommand(side.judge), ['server', '--ca', side.ca, '--cert', side.cert, '--key', side.key]);
	return {port: await running.listening, verdict: running.verdict, stop: running.stop};
}

/** A judge's client connecting to 127.0.0.1:port and verifying the server for serverName. */
export async function judgeClient(side: JudgeClientSide & {port: number}): Promise<Verdict> {
	const own = side.cert === undefined && side.key === undefined ? [] : ['--cert', side.cert ?? '', '--key', side.key ?? ''];
	const args = ['client', '--ca', side.ca, ...own, '--server-name', side.serverName, '--port', String(side.port)];
	return startJudge(side.judge, await judgeCommand(side.judge), args).verdict;
}

/** One mTLS connection between two judges; each side's verdict. */
export async function judgeHandshake(pair: {server: JudgeServerSide; client: JudgeClientSide}): Promise<{server: Verdict; client: Verdict}> {
	const server = await startJudgeServer(pair.server);
	const client = judgeClient({...pair.client, port: server.port});
	// A client that could not even connect leaves the server waiting.
	client.catch(server.stop);
	const [serverVerdict, clientVerdict] = await Promise.allSettled([server.verdict, client]);
	if (clientVerdict.status === 'rejected') throw clientVerdict.reason;
	if (serverVerdict.status === 'rejected') throw serverVerdict.reason;
	return {server: serverVerdict.value, client: clientVerdict.value};
}
