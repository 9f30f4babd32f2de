import {writeFileAtomic} from '../exec/write-file-atomic.js';
import type {WriteFilesStep} from '../plan/types.js';
import {eachBounded, threadpoolThreads} from './each-bounded.js';
import {effectiveMode, renderContents} from './render-file.js';
import {redactingResolver, secretResolver} from './secret-values.js';
import type {StepRunner} from './types.js';

export const writeFilesRunner: StepRunner<WriteFilesStep> = {
	kind: 'write-files',
	commands: () => [],
	files: step => step.files.map(file => ({path: file.path, mode: effectiveMode(file), preview: renderContents(file, redactingResolver)})),
	async run(step, context) {
		const resolve = secretResolver(context.secrets, step.id);
		// Render everything first: a missing secret answer must fail before any file is touched.
		const rendered = step.files.map(file => ({path: file.path, mode: effectiveMode(file), text: renderContents(file, resolve)}));
		// Each file is replaced on its own, so a fleet's (one per agent) are written several at a time, as many as keep
		// the threadpool busy; a path listed twice is written once, with its last contents, as one after the other would.
		const last = new Map(rendered.map(file => [file.path, file]));
		await eachBounded([...last.values()], 2 * threadpoolThreads, async file => writeFileAtomic(file.path, file.text, file.mode));
		return {detail: `wrote ${rendered.length} file${rendered.length === 1 ? '' : 's'}`, files: rendered.map(f => f.path)};
	},
};
