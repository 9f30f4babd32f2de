import {join} from 'node:path';
import type {LeafSpec} from '../plan/types.js';

export function caPaths(dir: string) {
	return {cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key')};
}

/** A fleet agent's leaf lives in its own bundle directory; every other leaf in the step's. */
export function leafPaths(dir: string, leaf: LeafSpec) {
	const home = leaf.dir ?? dir;
	return {cert: join(home, `${leaf.id}.crt`), key: join(home, `${leaf.id}.key`)};
}

/** Beside the CSRs (caMode=csr): what to ask the PKI for and where the signed certificates go. */
export const requestFileName = 'REQUEST.txt';
