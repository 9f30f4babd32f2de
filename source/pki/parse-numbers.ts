import {badInput} from '../errors.js';
import {keySizes, keyTypes, type KeySize, type KeyType} from './generate-key.js';

const maxDays = 36_500;

/** A validity in whole days, 1 to 100 years. */
export function parseDays(value: string, field: string): number {
	const days = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
	if (!Number.isSafeInteger(days) || days < 1 || days > maxDays) {
		throw badInput(field, value, `is not a whole number of days from 1 to ${maxDays}`, `Example: ${field} 825`);
	}

	return days;
}

export function parseKeySize(value: string, field: string): KeySize {
	const size = keySizes.find(s => String(s) === value.trim());
	if (size === undefined) throw badInput(field, value, 'is not a supported RSA key size', `Use ${field} 2048, 3072 or 4096`);
	return size;
}

export function parseKeyType(value: string, field: string): KeyType {
	const type = keyTypes.find(t => t === value.trim().toLowerCase());
	if (type === undefined) throw badInput(field, value, 'is not a supported key type', `Use ${field} ${keyTypes.join(', ')}`);
	return type;
}
