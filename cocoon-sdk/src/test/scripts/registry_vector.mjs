// Makes cocoon-sdk/src/test/resources/vectors/ton-registry-get-workers.json: a toncenter v2 JSON-RPC answer to
// runGetMethod("get_workers") in the layout of docs/protocol.md section 11.1, built independently of the SDK by
// @ton/core. Slices are serialized as tonlib serializes stack cells (no index, no CRC), except the second one,
// with a CRC as @ton/core writes by default. Run from cocoon-sdk/src/test/node after `npm install`:
//   node ../scripts/registry_vector.mjs > ../resources/vectors/ton-registry-get-workers.json
import { createRequire } from 'module';
const require = createRequire(process.cwd() + '/');
const { beginCell } = require('@ton/core');

/** Snake text: up to 127 bytes per cell, the rest in the first reference. */
function snake(text) {
  const bytes = Buffer.from(text, 'utf8');
  let cell = null;
  for (let end = bytes.length; end > 0; end -= 127) {
    const start = Math.max(0, end - 127);
    const b = beginCell().storeBuffer(bytes.subarray(start, end));
    if (cell) b.storeRef(cell);
    cell = b.endCell();
  }
  return cell;
}

const endpoints = [
  'https://worker-1.cocoon.example',
  'http://10.0.0.7:8080',
  'https://a-long-worker-name-that-needs-more-than-one-cell.' + 'x'.repeat(120) + '.cocoon.example:8443',
];
const elements = endpoints.map((url, i) => ({
  '@type': 'tvm.stackEntrySlice',
  slice: { '@type': 'tvm.slice', bytes: snake(url).toBoc({ idx: false, crc32: i === 1 }).toString('base64') },
}));
const answer = {
  ok: true,
  result: {
    '@type': 'smc.runResult',
    gas_used: 3417,
    stack: [['tuple', { '@type': 'tvm.tuple', elements }]],
    exit_code: 0,
    '@extra': '1795600000.123:0:0.42',
  },
};
console.log(JSON.stringify({ endpoints, response: answer }, null, 2));
