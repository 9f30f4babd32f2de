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
	// The accounts the real images define: extension-http's Dockerfile runs `adduser -u 10000 -D steadybit`.
	await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nsteadybit:x:10000:10000::/home/steadybit:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n');
	await writeFile(join(root, 'etc/group'), 'root:x:0:\nsteadybit:x:10000:\nnogroup:x:65534:\n');
	const tarball = join(work, 'rootfs.tar');
	const tar = await runCommand('tar', ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-cf', tarball, '.']);
	if (tar.exitCode !== 0) {
		throw new Error(`tar of the stand-in rootfs failed: ${tar.stderr.trim()}`);
	}

	await rm(root, {recursive: true, force: true});
	return tarball;
}

/**
 * Runtime facts of the real images, each from shared/reference/platforms.md: the user the entrypoint runs as
 * (a key the wizard mounts must be readable by it) and the ports it exposes. Products listen on every interface;
 * the scripts bind 127.0.0.1 unless STAND_IN_LISTEN_HOST says otherwise, so as host processes (the Kubernetes
 * emulator, stand-in tests) they stay on loopback.
 */
export const imageFacts: Record<string, {user: string; expose: number[]}> = {
	// platforms.md 1.3: extension-http Dockerfile `ARG USER_UID=10000`, `adduser -u $USER_UID -D steadybit`, `USER steadybit`, `EXPOSE 8085 8081`.
	'steadybit-extension': {user: 'steadybit', expose: [8085, 8081]},
	// platforms.md 1.3: the chart runs the agent with runAsUser 10000; the image's own user is unverified, so the
	// stand-in takes the chart's, the stricter of the two.
	'steadybit-agent': {user: '10000', expose: []},
	// platforms.md 2.3: portainer/portainer and portainer/agent build/linux/Dockerfile have no USER line (root); the server EXPOSEs 9000 9443 8000.
	'portainer-server': {user: 'root', expose: [9000, 9443, 8000]},
	'portainer-agent': {user: 'root', expose: []},
	// platforms.md 4.3: the vendor's docker command runs the delegate with -u root; the chart runs it as runAsUser 0.
	'harness-delegate': {user: 'root', expose: []},
	'harness-manager': {user: 'root', expose: []},
	'sap-connectivity-proxy': {user: 'root', expose: []},
};

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
			const facts = imageFacts[name] ?? {user: 'root', expose: []};
			await docker(env, [
				'import',
				'--change', `ENTRYPOINT ${entrypoint}`,
				'--change', 'WORKDIR /',
				'--change', `USER ${facts.user}`,
				'--change', 'ENV STAND_IN_LISTEN_HOST=0.0.0.0',
				...facts.expose.flatMap(port => ['--change', `EXPOSE ${port}`]),
				tarball,
				image,
			]);
			return image;
		})();
		imported.set(key, pending);
		pending.catch(() => imported.delete(key));
	}

	return pending;
}
