import {z} from 'zod';
import {sessionIdPattern} from './session-id.js';


const stepSchema = z.object({
	title: z.string(),
	state: z.enum(['pending', 'running', 'done', 'to-do', 'failed']),
	startedAt: z.string().optional(),
	finishedAt: z.string().optional(),
	detail: z.string().optional(),
	error: z.string().optional(),
	files: z.array(z.string()).optional(),
	inputs: z.string().optional(),
});

/** A CA rotation: the session's own, or the one a renewal of it keeps. */
const rotationSchema = z.object({of: z.string(), from: z.string(), version: z.string().regex(/^[\w-]+$/), excludeAgents: z.array(z.string()), stage: z.enum(['all', 'keep-old-ca', 'drop-old-ca'])});

/** A session file is read back from disk, where it may be damaged or hand-edited: check it before trusting it. */
export const sessionSchema = z.object({
	version: z.literal(1),
	id: z.string().regex(sessionIdPattern),
	recipe: z.string(),
	recipeDigest: z.string(),
	target: z.enum(['helm', 'kubectl', 'docker', 'swarm', 'bundle']),
	answers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
	secretAnswers: z.array(z.string()),
	outDir: z.string(),
	context: z.string().optional(),
	contexts: z.array(z.string()).optional(),
	digestSalt: z.string().regex(/^[\da-f]+$/).optional(),
	marksKdf: z.literal('scrypt').optional(),
	signedDir: z.string().optional(),
	renewal: z.object({of: z.string(), reuseKeys: z.boolean(), version: z.string().regex(/^[\w-]+$/), keptRotation: rotationSchema.optional()}).optional(),
	rotation: rotationSchema.optional(),
	stepOrder: z.array(z.string()),
	steps: z.record(z.string(), stepSchema),
	outcome: z.enum(['not-started', 'running', 'interrupted', 'failed', 'not-confirmed', 'awaiting-signature', 'done']),
	firstExpiry: z.object({file: z.string(), notAfter: z.string(), stamp: z.string().regex(/^[\da-f]{64}$/)}).optional(),
	pid: z.number().int().optional(),
	createdAt: z.string(),
	updatedAt: z.string(),
});
