import {EventEmitter} from 'node:events';
import type {ServerResponse} from 'node:http';

type Chunk = {at: Date; data: Buffer};

/** One container run's output (stdout and stderr interleaved as they arrive), followable until it ends. */
export class ContainerLog extends EventEmitter<{data: [Chunk]; end: []}> {
	private readonly chunks: Chunk[] = [];
	ended = false;

	append(data: Buffer): void {
		const chunk = {at: new Date(), data};
		this.chunks.push(chunk);
		this.emit('data', chunk);
	}

	end(): void {
		if (this.ended) return;
		this.ended = true;
		this.emit('end');
	}

	/** Writes the log to a response with the pod-log options kubectl sends; keeps streaming when following. */
	serve(response: ServerResponse, options: {follow: boolean; tailLines?: number; timestamps: boolean; sinceSeconds?: number}): void {
		response.writeHead(200, {'Content-Type': 'text/plain', 'Cache-Control': 'no-cache'});
		response.flushHeaders();
		const format = (chunk: Chunk): string | Buffer => {
			if (!options.timestamps) return chunk.data;
			return chunk.data.toString('utf8').split(/(?<=\n)/).map(line => `${chunk.at.toISOString()} ${line}`).join('');
		};
		let history = this.chunks;
		if (options.sinceSeconds !== undefined) {
			const since = Date.now() - options.sinceSeconds * 1000;
			history = history.filter(chunk => chunk.at.getTime() >= since);
		}
		if (options.tailLines !== undefined) {
			const lines = Buffer.concat(history.map(chunk => chunk.data)).toString('utf8').split(/(?<=\n)/);
			const at = history.at(-1)?.at ?? new Date();
			history = options.tailLines === 0 ? [] : [{at, data: Buffer.from(lines.slice(-options.tailLines).join(''))}];
		}
		for (const chunk of history) response.write(format(chunk));
		if (!options.follow || this.ended) {
			response.end();
			return;
		}
		const onData = (chunk: Chunk) => response.write(format(chunk));
		const onEnd = () => response.end();
		this.on('data', onData);
		this.once('end', onEnd);
		response.on('close', () => {
			this.off('data', onData);
			this.off('end', onEnd);
		});
	}
}
