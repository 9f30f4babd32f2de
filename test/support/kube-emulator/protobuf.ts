import {ApiError} from './store.js';
import type {KubeObject} from './selectors.js';

/**
 * kubectl 1.32 sends typed-client bodies (`kubectl create namespace|secret|configmap`) as Kubernetes
 * protobuf and does not fall back to JSON on 415. This decodes the envelope (magic "k8s\0" +
 * runtime.Unknown) and the few kinds those commands create, using the field numbers of
 * k8s.io/api/core/v1/generated.proto. Any other kind is refused with a message naming it.
 */
export function decodeKubernetesProtobuf(body: Buffer): KubeObject {
	if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') {
		throw new ApiError(400, 'BadRequest', 'protobuf body without the k8s magic prefix');
	}
	const unknown = fields(body.subarray(4));
	const typeMeta = fields(bytes(unknown, 1));
	const apiVersion = string(typeMeta, 1);
	const kind = string(typeMeta, 2);
	const raw = fields(bytes(unknown, 2));
	const metadata = objectMeta(fields(bytes(raw, 1)));
	switch (`${apiVersion}/${kind}`) {
		case 'v1/Namespace':
			return {apiVersion, kind, metadata, spec: {finalizers: strings(fields(bytes(raw, 2)), 1)}};
		case 'v1/Secret':
			return dropUndefined({apiVersion, kind, metadata, data: base64Map(raw, 2), type: string(raw, 3) || undefined, stringData: stringMap(raw, 4), immutable: boolean(raw, 5)});
		case 'v1/ConfigMap':
			return dropUndefined({apiVersion, kind, metadata, data: stringMap(raw, 2), binaryData: base64Map(raw, 3), immutable: boolean(raw, 4)});
		default:
			throw new ApiError(415, 'UnsupportedMediaType', `the kube emulator cannot decode protobuf for ${apiVersion}/${kind}; only v1 Namespace, Secret and ConfigMap`);
	}
}

type Field = {number: number; value: bigint | Buffer};

function fields(buffer: Buffer): Field[] {
	const result: Field[] = [];
	let offset = 0;
	const varint = (): bigint => {
		let value = 0n;
		let shift = 0n;
		for (;;) {
			const byte = buffer[offset++];
			if (byte === undefined) throw new ApiError(400, 'BadRequest', 'truncated protobuf');
			value |= BigInt(byte & 0x7f) << shift;
			if ((byte & 0x80) === 0) return value;
			shift += 7n;
		}
	};
	while (offset < buffer.length) {
		const key = Number(varint());
		const wireType = key & 7;
		const number = key >> 3;
		if (wireType === 0) {
			result.push({number, value: varint()});
		} else if (wireType === 2) {
			const length = Number(varint());
			result.push({number, value: buffer.subarray(offset, offset + length)});
			offset += length;
		} else if (wireType === 1) {
			offset += 8;
		} else if (wireType === 5) {
			offset += 4;
		} else {
			throw new ApiError(400, 'BadRequest', `unsupported protobuf wire type ${wireType}`);
		}
	}
	return result;
}

const bytes = (list: Field[], number: number): Buffer => {
	const found = list.find(field => field.number === number)?.value;
	return Buffer.isBuffer(found) ? found : Buffer.alloc(0);
};
const string = (list: Field[], number: number): string => bytes(list, number).toString('utf8');
const strings = (list: Field[], number: number): string[] => list.filter(field => field.number === number && Buffer.isBuffer(field.value)).map(field => (field.value as Buffer).toString('utf8'));
const integer = (list: Field[], number: number): number | undefined => {
	const found = list.find(field => field.number === number)?.value;
	return typeof found === 'bigint' ? Number(found) : undefined;
};
const boolean = (list: Field[], number: number): boolean | undefined => {
	const value = integer(list, number);
	return value === undefined ? undefined : value !== 0;
};

function entries(list: Field[], number: number): Array<[string, Buffer]> {
	return list.filter(field => field.number === number && Buffer.isBuffer(field.value)).map(field => {
		const entry = fields(field.value as Buffer);
		return [string(entry, 1), bytes(entry, 2)];
	});
}

function stringMap(list: Field[], number: number): Record<string, string> | undefined {
	const pairs = entries(list, number);
	return pairs.length ? Object.fromEntries(pairs.map(([key, value]) => [key, value.toString('utf8')])) : undefined;
}

function base64Map(list: Field[], number: number): Record<string, string> | undefined {
	const pairs = entries(list, number);
	return pairs.length ? Object.fromEntries(pairs.map(([key, value]) => [key, value.toString('base64')])) : undefined;
}

function objectMeta(list: Field[]): KubeObject['metadata'] {
	return dropUndefined({
		name: string(list, 1),
		generateName: string(list, 2) || undefined,
		namespace: string(list, 3) || undefined,
		resourceVersion: string(list, 6) || undefined,
		labels: stringMap(list, 11),
		annotations: stringMap(list, 12),
		finalizers: strings(list, 14).length ? strings(list, 14) : undefined,
	});
}

function dropUndefined<T extends object>(object: T): T {
	return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
