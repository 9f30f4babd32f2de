import {join} from 'node:path';
import type {LeafSpec} from '../plan/types.js';

export function caPaths(dir: string) {
	return {cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key')};
}

export function leafPaths(dir: string, leaf: LeafSpec) {
	return {cert: join(dir, `${leaf.id}.crt`), key: join(dir, `${leaf.id}.key`)};
}

/** Beside the CSRs (caMode=csr): what to ask the PKI for and where the signed certificates go. */
export const requestFileName = 'REQUEST.txt';
