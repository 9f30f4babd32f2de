/**
 * Read-only look-ups of what a run deployed, one function per external command, for `status`. Each resolves to
 * what was found, `missing` when the tool says there is no such object, or the tool's own words when it failed.
 */
import {runCommand, lastLines} from './run-command.js';
import type {CommandSpec} from './types.js';

export type LookUp<T> = {found: T} | {missing: true} | {error: string};

type Options = {env: NodeJS.ProcessEnv; signal: AbortSignal};

const notFound = /not ?found|no such|could not find/i;

async function lookUp<T>(spec: CommandSpec, options: Options, read: (stdout: string) => T): Promise<LookUp<T>> {
	const result = await runCommand(spec, options);
	if (result.exitCode === 0) return {found: read(result.stdout)};
	const said = lastLines(result, 2).join(' ');
	return notFound.test(said) ? {missing: true} : {error: `${result.display} exited with code ${result.exitCode}${said ? `: ${said}` : ''}`};
}

export type KubeSecretData = {data: Record<string, string>; createdAt?: string; labels: Record<string, string>};

/** `kubectl get secret -o json`: the data stays in memory; only certificate keys are ever decoded by the caller. */
export async function kubectlGetSecret(target: {name: string; namespace: string; context?: string}, options: Options): Promise<LookUp<KubeSecretData>> {
	const args = ['get', 'secret', target.name, '-n', target.namespace, ...(target.context ? ['--context', target.context] : []), '-o', 'json'];
	return lookUp({file: 'kubectl', args}, options, stdout => {
		const secret = JSON.parse(stdout) as {data?: Record<string, string>; metadata?: {creationTimestamp?: string; labels?: Record<string, string>}};
		return {data: secret.data ?? {}, labels: secret.metadata?.labels ?? {}, ...(secret.metadata?.creationTimestamp ? {createdAt: secret.metadata.creationTimestamp} : {})};
	});
}

export type DockerSecretMetadata = {labels: Record<string, string>; createdAt?: string; updatedAt?: string};

/** `docker secret inspect`: a swarm hands back a secret's metadata, never its data. */
export async function dockerSecretInspect(name: string, options: Options): Promise<LookUp<DockerSecretMetadata>> {
	return lookUp({file: 'docker', args: ['secret', 'inspect', name]}, options, stdout => {
		const [secret] = JSON.parse(stdout) as Array<{CreatedAt?: string; UpdatedAt?: string; Spec?: {Labels?: Record<string, string> | null}}>;
		return {labels: secret?.Spec?.Labels ?? {}, ...(secret?.CreatedAt ? {createdAt: secret.CreatedAt} : {}), ...(secret?.UpdatedAt ? {updatedAt: secret.UpdatedAt} : {})};
	});
}

export type ContainerState = {running: boolean; startedAt?: string; mounts: Array<{source: string; destination: string}>};

/** `docker container inspect`: whether it runs, since when, and what it mounts. */
export async function dockerContainerInspect(container: string, options: Options): Promise<LookUp<ContainerState>> {
	return lookUp({file: 'docker', args: ['container', 'inspect', container]}, options, stdout => {
		const [info] = JSON.parse(stdout) as Array<{State?: {Running?: boolean; StartedAt?: string}; Mounts?: Array<{Source: string; Destination: string}>}>;
		return {
			running: info?.State?.Running ?? false,
			// A container that never started reports the zero time.
			...(info?.State?.StartedAt && !info.State.StartedAt.startsWith('0001-') ? {startedAt: info.State.StartedAt} : {}),
			mounts: (info?.Mounts ?? []).map(mount => ({source: mount.Source, destination: mount.Destination})),
		};
	});
}

/** `docker cp CONTAINER:PATH DEST`: the file as the container sees it, copied to a local path. */
export async function dockerCopyOut(container: string, path: string, destination: string, options: Options): Promise<LookUp<string>> {
	return lookUp({file: 'docker', args: ['cp', `${container}:${path}`, destination]}, options, () => destination);
}
