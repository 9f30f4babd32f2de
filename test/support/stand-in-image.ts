import {rmSync} from 'node:fs';
import {chmod, cp, mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {docker, runCommand} from './private-docker.js';

export const standInsDir = fileURLToPath(new URL('stand-ins/', import.meta.url));

/** Where the stand-in scripts live inside the image; the entrypoint is `[node, /stand-ins/<name>.mjs]`. */
export const imageStandInsDir = '/stand-ins';

let rootfsTarball: Promise<string> | undefined;
const imported = new Map<string, Promise<string>>();

async function sharedLibraries(binary: string): Promise<string[]> {
	const result = await runCommand('ldd', [binary]);
	if (result.exitCode !== 0) {
		throw new Error(`ldd ${binary} failed: ${result.stderr.trim()}`);
	}

	// Lines look like `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` or `/lib64/ld-linux-x86-64.so.2 (0x…)`.
	return [...result.stdout.matchAll(/(?:=>\s+)?(\/\S+)\s+\(0x/g)].map(match => match[1]!);
}

async function buildRootfsTarball(): Promise<string> {
	const work = await mkdtemp(join(tmpdir(), 'mtls-stand-in-rootfs-'));
	process.once('exit', () => {
		rmSync(work, {recursive: true, force: true});
	});
	const root = join(work, 'rootfs');
	const files = [process.execPath, ...await sharedLibraries(process.execPath)];
	for (const file of files) {
		await mkdir(join(root, dirname(file)), {recursive: true});
		// Dereference: ldd names symlinks (libc.so.6, ld-linux) and the image needs the bytes at those paths.
		await cp(file, join(root, file), {dereference: true});
	}

	await cp(standInsDir, join(root, imageStandInsDir), {recursive: true, filter: source => !source.endsWith('.ts')});
	await mkdir(join(root, 'tmp'), {recursive: true});
	await chmod(join(root, 'tmp'), 0o1777);
	await mkdir(join(root, 'etc'), {recursive: true});
	await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n');
	await writeFile(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
	const tarball = join(work, 'rootfs.tar');
	const tar = await runCommand('tar', ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-cf', tarball, '.']);
	if (tar.exitCode !== 0) {
		throw new Error(`tar of the stand-in rootfs failed: ${tar.stderr.trim()}`);
	}

	await rm(root, {recursive: true, force: true});
	return tarball;
}

/** The stand-in scripts available as images (`test/support/stand-ins/<name>.mjs`). */
export async function standInNames(): Promise<string[]> {
	return (await readdir(standInsDir)).filter(file => file.endsWith('.mjs')).map(file => file.slice(0, -4));
}

/**
 * Imports `stand-in/<name>:test` into the engine of `env` (from startPrivateDocker): a rootfs of this process's node
 * binary, its shared libraries and the stand-in scripts, entrypoint `node /stand-ins/<name>.mjs`. Never pulls.
 * The tarball is built once per process; each engine imports each image once. Returns the image reference.
 */
export async function buildStandInImage(env: NodeJS.ProcessEnv, name: string): Promise<string> {
	if (!(await standInNames()).includes(name)) {
		throw new Error(`No stand-in named ${name} in ${standInsDir}`);
	}

	const image = `stand-in/${name}:test`;
	const key = `${env['DOCKER_HOST'] ?? ''} ${image}`;
	let pending = imported.get(key);
	if (!pending) {
		pending = (async () => {
			rootfsTarball ??= buildRootfsTarball();
			const tarball = await rootfsTarball;
			const entrypoint = JSON.stringify([process.execPath, `${imageStandInsDir}/${name}.mjs`]);
			await docker(env, ['import', '--change', `ENTRYPOINT ${entrypoint}`, '--change', 'WORKDIR /', tarball, image]);
			return image;
		})();
		imported.set(key, pending);
		pending.catch(() => imported.delete(key));
	}

	return pending;
}
