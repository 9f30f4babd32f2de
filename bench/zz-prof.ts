const t0 = performance.now();
const m = await import('../source/steps/ensure-certificates.js');
const t1 = performance.now();
const {generateKeyPair} = await import('node:crypto');
const gen = () => new Promise(r => generateKeyPair('rsa', {modulusLength: 2048}, () => r(null)));
let a = performance.now(); await gen(); const one = performance.now() - a;
a = performance.now(); await Promise.all([gen(), gen()]); const two = performance.now() - a;
a = performance.now(); await Promise.all([gen(), gen(), gen()]); const three = performance.now() - a;
console.log({importMs: t1 - t0, one, two, three});
