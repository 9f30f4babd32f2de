#!/usr/bin/env node
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Command, CommanderError, Option} from 'commander';
import {exitCodes, WizardError} from './errors.js';
import {packageRoot} from './package-root.js';

/*
 * Only argument parsing lives here. Each command is a module under commands/, imported lazily so that
 * `certs` does not pay for loading Ink and `inspect` does not pay for execa.
 */

const packageJson = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {version: string};

const collect = (value: string, previous: string[] = []) => [...previous, value];

type Handler = () => Promise<number>;

/** The options of a plan derived from a finished session (renew, rotate-ca), as runDerivedPlan takes them. */
function withDerivedPlanOptions(command: Command, noun: string): Command {
	return command
		.option('--answers <file>', 'YAML or JSON file with the secret answers (never saved in a session)')
		.option('--yes', 'do not ask before changing a cluster or Docker engine (needed without a terminal)')
		.option('--json', 'print one JSON event per line')
		.addOption(new Option('--dry-run', `print the ${noun} plan and change nothing`).conflicts('export'))
		.option('--export <dir>', `write a ${noun} bundle (certificates, apply.sh) and run nothing`);
}

function buildProgram(run: (handler: Handler) => void): Command {
	const program = new Command('mtls-wizard')
		.exitOverride()
		.configureOutput({outputError() {}})
		.description(
			'Set up mutual TLS between an agent and its server, end to end, and prove it works.\n' +
				'Without a command, opens the interactive wizard (needs a terminal).',
		)
		.version(packageJson.version, '-v, --version')
		.showSuggestionAfterError()
		.action(() => {
			run(async () => (await import('./commands/wizard.js')).wizardCommand());
		});

	program
		.command('recipes')
		.description('list recipes, their targets and questions')
		.option('--json', 'print JSON')
		.action(options => {
			run(async () => (await import('./commands/recipes.js')).recipesCommand(options));
		});

	const runCommand = program
		.command('run')
		.description('run a recipe headlessly (or print or export its plan)')
		.argument('<recipe>', 'recipe id (see: mtls-wizard recipes)')
		.requiredOption('--target <target>', 'helm, kubectl, docker, swarm or bundle')
		.option('--answers <file>', 'YAML or JSON file of answers')
		.option('--set <key=value>', 'an answer (repeatable)', collect)
		.option('--agents-file <file>', 'the agents answer from a file: one agent per line, its name then optional extra SANs')
		.option('--out <dir>', 'where certificates and generated files go')
		.option('--context <name>', 'kube context for kubectl and helm (repeatable: the same plan runs in each)', collect)
		.option('--yes', 'do not ask before changing a cluster or Docker engine (needed without a terminal)')
		.option('--json', 'print one JSON event per line')
		.addOption(new Option('--dry-run', 'print the plan and change nothing').conflicts('export'))
		.option('--export <dir>', 'write a bundle (certificates, values, manifests, apply.sh) and run nothing');
	runCommand.action((recipe: string, options) => {
		run(async () => (await import('./commands/run.js')).runCommand(recipe, options));
	});

	program
		.command('resume')
		.description('continue a saved session (the latest unfinished one without ID)')
		.argument('[id]', 'session id (see: mtls-wizard sessions)')
		.option('--answers <file>', 'YAML or JSON file with the secret answers (never saved in a session), and any saved answer to replace')
		.option('--signed <dir>', 'caMode=csr: the certificates your PKI signed (one .crt per request, and ca.crt with the chain)')
		.option('--set <key=value>', 'replace a saved answer (repeatable); steps it shaped run again', collect)
		.option('--json', 'print one JSON event per line')
		.action((id: string | undefined, options) => {
			run(async () => (await import('./commands/resume.js')).resumeCommand(id, options));
		});

	program
		.command('sessions')
		.description('list saved sessions')
		.option('--json', 'print JSON')
		.action(options => {
			run(async () => (await import('./commands/sessions.js')).sessionsCommand(options));
		});

	program
		.command('certs')
		.description('issue a CA, a server certificate and client certificates')
		.requiredOption('--out <dir>', 'directory to write into (created 0700)')
		.option('--server-dns <name>', 'DNS name in the server certificate (repeatable; the first is the CN)', collect)
		.option('--server-ip <ip>', 'IP address in the server certificate (repeatable)', collect)
		.option('--client-cn <cn>', 'client certificate common name (repeatable)', collect)
		.option('--days <n>', 'validity of the server and client certificates in days', '825')
		.option('--ca-days <n>', 'validity of a generated CA in days', '3650')
		.option('--key-size <bits>', '2048, 3072 or 4096 (RSA keys)', '2048')
		.option('--key-type <type>', 'rsa, ecdsa-p256 or ecdsa-p384: the new keys, a generated CA\'s too', 'rsa')
		.option('--ca-cert <file>', 'use this CA certificate (with --ca-key); the issuing CA first, then its parents up to the root')
		.option('--ca-key <file>', 'use this CA key (with --ca-cert); a passphrase comes from MTLS_WIZARD_CA_KEY_PASSPHRASE')
		.option('--force', 'replace existing keys in --out')
		.option('--csr-only', 'make the keys and certificate requests (server.csr, client.csr) for your PKI to sign; no CA')
		.option('--json', 'print JSON')
		.action(options => {
			run(async () => (await import('./commands/certs.js')).certsCommand(options));
		});

	program
		.command('inspect')
		.description('show subject, issuer, SANs, usages, validity, key and fingerprint; check the chain')
		.argument('<file...>', 'PEM certificate files')
		.option('--ca <file>', 'check that each certificate chains to this CA')
		.option('--json', 'print JSON')
		.action((files: string[], options) => {
			run(async () => (await import('./commands/inspect.js')).inspectCommand(files, options));
		});

	program
		.command('check-expiry')
		.description('check certificate files and bundle directories for expiry (exit 0 none due, 1 renew, 2 bad input)')
		.argument('<path...>', 'PEM certificate files or directories holding them')
		.option('--within <duration>', 'renewal window, e.g. 30d, 12h, 720h, 2w', '30d')
		.option('--json', 'print JSON')
		.action((paths: string[], options) => {
			run(async () => (await import('./commands/check-expiry.js')).checkExpiryCommand(paths, options));
		});

	program
		.command('status')
		.description('what a session deployed and where; whether the deployed copies match and expire soon (exit 0 all well, 1 drift or expiring, 2 bad input)')
		.argument('[id]', 'session id (default: the latest finished session)')
		.option('--warn-days <n>', 'a certificate expiring within this many days fails the check', '30')
		.option('--json', 'print JSON')
		.action((id: string | undefined, options) => {
			run(async () => (await import('./commands/status.js')).statusCommand(id, options));
		});

	const renew = program
		.command('renew')
		.description('re-issue the leaf certificates from the same CA, redeploy through the same target, confirm again')
		.argument('[id]', 'session id (default: the latest finished session)')
		.option('--reuse-keys', 'sign the existing leaf keys again instead of making new ones');
	withDerivedPlanOptions(renew, 'renewal').action((id: string | undefined, options) => {
		run(async () => (await import('./commands/renew.js')).renewCommand(id, options));
	});

	const rotateCa = program
		.command('rotate-ca')
		.description('move a deployment to a new CA without an outage: trust both CAs, re-issue the leaves, drop the old CA; each phase confirmed')
		.argument('[id]', 'session id (default: the latest finished session)')
		.option('--exclude-agent <name>', 'leave a lost device out of the new CA, so it is refused once the old CA is dropped (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
		.addOption(new Option('--keep-old-ca', 'run phases 1 and 2 only: both CAs stay trusted until rotate-ca --drop-old-ca (fleets: time to move every device)').conflicts('dropOldCa'))
		.option('--drop-old-ca', 'phase 3 of a rotation run with --keep-old-ca (ID: that rotation\'s session, default the latest finished)');
	withDerivedPlanOptions(rotateCa, 'rotation').action((id: string | undefined, options) => {
		run(async () => (await import('./commands/rotate-ca.js')).rotateCaCommand(id, options));
	});

	program
		.command('verify')
		.description('prove a certificate set with a real mutual-TLS handshake on 127.0.0.1')
		.argument('[dir]', 'directory holding ca.crt, server.crt, server.key, client.crt, client.key')
		.option('--ca <file>')
		.option('--server-cert <file>')
		.option('--server-key <file>')
		.option('--client-cert <file>')
		.option('--client-key <file>')
		.option('--name <host>', 'server name the client checks (default: the first DNS SAN)')
		.option('--json', 'print JSON')
		.action((dir: string | undefined, options) => {
			run(async () => (await import('./commands/verify.js')).verifyCommand(dir, options));
		});

	return program;
}

function printError(error: unknown): number {
	if (error instanceof WizardError) {
		process.stderr.write(`mtls-wizard: ${error.message}\n`);
		return error.exitCode;
	}

	// An unexpected error is a bug; the stack helps only when asked for.
	const message = error instanceof Error ? error.message : String(error);
	process.stderr.write(`mtls-wizard: unexpected error: ${message}\n`);
	if (process.env['MTLS_WIZARD_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
	return exitCodes.stepFailed;
}

async function main(argv: string[]): Promise<number> {
	let handler: Handler | undefined;
	const program = buildProgram(h => {
		handler = h;
	});
	try {
		await program.parseAsync(argv);
	} catch (error) {
		if (!(error instanceof CommanderError)) throw error;
		if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
			return exitCodes.ok;
		}

		const command = argv.slice(2).find(a => !a.startsWith('-')) ?? '';
		const known = program.commands.some(c => c.name() === command);
		const message =
			!known && error.code === 'commander.excessArguments'
				? `unknown command '${command}'`
				: error.message.replace(/^error: /, '').replace(/\.$/, '');
		const help = known ? `mtls-wizard ${command} --help` : 'mtls-wizard --help';
		process.stderr.write(`mtls-wizard: ${message}. See: ${help}\n`);
		return exitCodes.usage;
	}

	if (!handler) return exitCodes.ok;
	try {
		return await handler();
	} catch (error) {
		return printError(error);
	}
}

process.exit(await main(process.argv));
