// A stand-in for `docker` / `kubectl` on PATH in wait-for-log tests: it behaves like a log follower,
// printing the lines of a script over time, so the real exec layer streams from a real process.
// FAKE_TOOL_SCRIPT: JSON {attempts: [{lines: [{text, stream?}], then: 'hang' | 'exit'; exitCode?}], events?: {...}}
// Each invocation of `logs` takes the next attempt (the count is kept in FAKE_TOOL_STATE); `get events` prints `events`.
import {appendFileSync, readFileSync, writeFileSync} from 'node:fs';

const script = JSON.parse(readFileSync(process.env.FAKE_TOOL_SCRIPT, 'utf8'));
const state = process.env.FAKE_TOOL_STATE;
appendFileSync(`${state}.calls`, `${JSON.stringify(process.argv.slice(2))}\n`);

if (process.argv.includes('events')) {
	process.stdout.write(JSON.stringify(script.events ?? {items: []}));
	process.exit(0);
}

let count = 0;
try {
	count = Number(readFileSync(state, 'utf8'));
} catch {}
writeFileSync(state, String(count + 1));
writeFileSync(`${state}.pid`, String(process.pid));
const attempt = script.attempts[Math.min(count, script.attempts.length - 1)];

const lines = [...attempt.lines];
const next = () => {
	const line = lines.shift();
	if (line === undefined) {
		if (attempt.then === 'hang') setInterval(() => {}, 60_000);
		else process.exitCode = attempt.exitCode ?? 0;
		return;
	}

	(line.stream === 'stderr' ? process.stderr : process.stdout).write(`${line.text}\n`);
	setTimeout(next, 20);
};

next();
