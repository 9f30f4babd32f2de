import test from 'ava';
import {agentLogProblems} from './portainer-deploy.js';

const line = {
	eof: 'ERR edge/poll.go:175 > an error occured during short poll | error="Get \\"https://portainer.test:9443/api/endpoints/1/edge/status\\": EOF"',
	refused: 'ERR edge/poll.go:175 > an error occured during short poll | error="Get \\"https://portainer.test:9443/api/endpoints/1/edge/status\\": dial tcp 172.17.0.1:9443: connect: connection refused"',
	badCertificate: 'ERR edge/poll.go:175 > an error occured during short poll | error="Get \\"https://portainer.test:9443/api/endpoints/1/edge/status\\": remote error: tls: bad certificate"',
	polled: 'DBG edge/poll.go:171 >  | checkin_interval_seconds=5 port=0 schedule_count=0 status=IDLE',
	fatal: 'FTL cmd/agent/main.go:133 > unable to retrieve a list of IP associated to the host |',
};

test('an agent log: "nobody answers yet" errors before the first successful poll are allowed', t => {
	t.deepEqual(agentLogProblems([line.eof, line.refused, line.polled, line.polled].join('\n')), []);
});

test('an agent log: any error after the first successful poll, a certificate error before it, an FTL line, or errors without any poll are problems', t => {
	t.deepEqual(agentLogProblems([line.polled, line.eof].join('\n')), [line.eof]);
	t.deepEqual(agentLogProblems([line.badCertificate, line.polled].join('\n')), [line.badCertificate]);
	t.deepEqual(agentLogProblems([line.fatal, line.polled].join('\n')), [line.fatal]);
	t.deepEqual(agentLogProblems([line.eof, line.refused].join('\n')), [line.eof, line.refused]);
});
