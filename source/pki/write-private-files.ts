import {chmod, mkdir, mkdtemp, rename, rm, rmdir, stat, writeFile} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import {badInput} from '../errors.js';

export type OutputFile = {name: string; content: string; secret: boolean};

export type WrittenFile = {path: string; mode: number};

export type WriteOptions = {force: boolean; field?: string};

async function statOrUndefined(path: string) {
	try {
		return await stat(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/**
 * Refuses, before any work is done, a target that is not a directory or that already holds one of the files
 * (keys are never replaced silently; certificates beside them would stop matching).
 */
export async function checkOutputDirectory(dir: string, names: string[], options: WriteOptions): Promise<void> {
	const field = options.field ?? '--out';
	const target = await statOrUndefined(dir).catch(() => {
		throw badInput(field, dir, 'cannot be examined', 'Choose a directory you can write to');
	});
	if (!target) return;
	if (!target.isDirectory()) throw badInput(field, dir, 'exists and is not a directory', 'Choose a directory');
	if (options.force) return;
	const present: string[] = [];
	for (const name of names) if (await statOrUndefined(join(dir, name))) present.push(name);
	if (present.length > 0) {
		throw badInput(field, dir, `already holds ${present.join(', ')}`, 'Choose another directory, or pass --force to replace them');
	}
}

/**
 * Writes every file into a fresh 0700 temp directory beside the target and moves them in at the end, so a failure
 * leaves either nothing or the complete set. Secret files are 0600, the others 0644; the target directory is 0700.
 */
export async function writePrivateFiles(dir: string, files: OutputFile[], options: WriteOptions): Promise<WrittenFile[]> {
	const field = options.field ?? '--out';
	const target = resolve(dir);
	await checkOutputDirectory(target, files.map(f => f.name), options);
	let temp: string | undefined;
	try {
		await mkdir(dirname(target), {recursive: true, mode: 0o700});
		temp = await mkdtemp(join(dirname(target), `.${basename(target)}.mtls-wizard-`));
		await chmod(temp, 0o700);
		for (const file of files) {
			const mode = file.secret ? 0o600 : 0o644;
			await writeFile(join(temp, file.name), file.content, {mode, flag: 'wx'});
			await chmod(join(temp, file.name), mode);
		}

		if (await statOrUndefined(target)) {
			await chmod(target, 0o700);
			for (const file of files) await rename(join(temp, file.name), join(target, file.name));
			await rmdir(temp);
		} else {
			await rename(temp, target);
		}

		temp = undefined;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'ENOSPC') {
			throw badInput(field, dir, `cannot be written (${code})`, 'Choose a directory you can write to');
		}

		throw error;
	} finally {
		if (temp) await rm(temp, {recursive: true, force: true});
	}

	return files.map(f => ({path: join(target, f.name), mode: f.secret ? 0o600 : 0o644}));
}
