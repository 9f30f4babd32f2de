// Saves the given session over and over until killed: the crash-safety test SIGKILLs it mid-loop.
import {loadSession, saveSession} from '../../../source/session/session-store.js';

const session = await loadSession(process.env, process.argv[2] ?? '');
for (let count = 0; ; count++) {
	session.steps['issue'] = {title: 'Issue', state: 'done', detail: `save ${count}`, files: Array.from({length: 200}, (_, index) => `/tmp/out/file-${index}`)};
	await saveSession(session, {env: process.env, secrets: {}});
	process.stdout.write(`${count}\n`);
}
