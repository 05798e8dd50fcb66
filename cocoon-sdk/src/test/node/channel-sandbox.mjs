// Runs the standard TON payment channel contract under @ton/sandbox (a WASM TVM, offline) for the SDK's tests.
// The contract code comes from npm tonweb, never from the SDK under test. Input (JSON file, argv[2]):
//   {"mode": "addresses"}  -> the two treasury wallets' raw addresses
//   {"mode": "run", "channels": [{"dataBoc": hex, "address": raw}],
//    "steps": [{"channel": i, "from": "client"|"operator", "value": nanotons, "body": hex|null,
//               "stateInit": bool, "advance": seconds, "to": raw address (instead of the channel),
//               "external": hex (an external message, sent instead; the outcome is the channel's
//               transaction caused by it)}]}
// Output (stdout, JSON): per step the channel's transaction outcome, its get_channel_data after the step and
// what each treasury received from the channel in that step; and per channel what each received in all.
import { readFileSync } from 'fs';
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { Blockchain } = require('@ton/sandbox');
const { Cell, beginCell, contractAddress, Address, toNano } = require('@ton/core');


const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const blockchain = await Blockchain.create();
blockchain.now = 1_800_000_000;
const client = await blockchain.treasury('cocoon client');
const operator = await blockchain.treasury('cocoon operator');
const raw = (a) => a.toRawString();

if (input.mode === 'addresses') {
  console.log(JSON.stringify({ client: raw(client.address), operator: raw(operator.address) }));
  process.exit(0);
}

const { PaymentChannel } = require('tonweb/src/contract/payments/PaymentChannel.js');
const code = Cell.fromBoc(Buffer.from(PaymentChannel.codeHex, 'hex'))[0];
const channels = input.channels.map((c) => {
  const data = Cell.fromBoc(Buffer.from(c.dataBoc, 'hex'))[0];
  const init = { code, data };
  const address = contractAddress(0, init);
  return { init, address, derivedBySdk: c.address };
});

// The stack as a TON HTTP API's v2 JSON-RPC (toncenter) returns it from runGetMethod.
function toncenterNested(item) {
  switch (item.type) {
    case 'int': return { '@type': 'tvm.stackEntryNumber', number: { '@type': 'tvm.numberDecimal', number: item.value.toString() } };
    case 'cell': return { '@type': 'tvm.stackEntryCell', cell: { '@type': 'tvm.cell', bytes: item.cell.toBoc().toString('base64') } };
    case 'slice': return { '@type': 'tvm.stackEntrySlice', slice: { '@type': 'tvm.slice', bytes: item.cell.toBoc().toString('base64') } };
    case 'tuple': return { '@type': 'tvm.stackEntryTuple', tuple: { '@type': 'tvm.tuple', elements: item.items.map(toncenterNested) } };
    case 'null': return { '@type': 'tvm.stackEntryNull' };
    default: throw new Error('stack item ' + item.type);
  }
}
function toncenterTop(item) {
  switch (item.type) {
    case 'int': return ['num', (item.value < 0n ? '-0x' + (-item.value).toString(16) : '0x' + item.value.toString(16))];
    case 'cell': return ['cell', { bytes: item.cell.toBoc().toString('base64'), object: {} }];
    case 'slice': return ['cell', { bytes: item.cell.toBoc().toString('base64'), object: {} }];
    case 'tuple': return ['tuple', { '@type': 'tvm.tuple', elements: item.items.map(toncenterNested) }];
    case 'null': return ['null', null];
    default: throw new Error('stack item ' + item.type);
  }
}

async function channelData(address) {
  const r = await blockchain.runGetMethod(address, 'get_channel_data');
  const toncenter = { ok: true, result: { '@type': 'smc.runResult', gas_used: Number(r.gasUsed), stack: r.stack.map(toncenterTop), exit_code: r.exitCode }, id: 1, jsonrpc: '2.0' };
  const s = r.stackReader;
  const state = s.readNumber();
  const balances = s.readTuple();
  const balanceA = balances.readBigNumber().toString();
  const balanceB = balances.readBigNumber().toString();
  s.readTuple(); // keys
  const channelId = s.readBigNumber().toString();
  s.readTuple(); // closing config
  const seqnos = s.readTuple();
  const seqnoA = seqnos.readBigNumber().toString();
  const seqnoB = seqnos.readBigNumber().toString();
  return { state, balanceA, balanceB, channelId, seqnoA, seqnoB, toncenter };
}

const received = channels.map(() => ({ client: 0n, operator: 0n }));
const steps = [];
for (const step of input.steps) {
  if (step.advance) {
    blockchain.now += step.advance;
  }
  const channel = channels[step.channel];
  const sender = step.from === 'client' ? client : operator;
  const target = step.to ? Address.parseRaw(step.to) : channel.address;
  const result = step.external
    ? await blockchain.sendMessage(Cell.fromBoc(Buffer.from(step.external, 'hex'))[0])
    : await sender.send({
      to: target,
      value: BigInt(step.value),
      bounce: false,
      init: step.stateInit ? channel.init : undefined,
      body: step.body ? Cell.fromBoc(Buffer.from(step.body, 'hex'))[0] : beginCell().endCell(),
    });
  let outcome = null;
  const got = { client: 0n, operator: 0n };
  for (const tx of result.transactions) {
    const info = tx.inMessage?.info;
    const caused = step.external ? info?.type === 'internal' && info.dest.equals(channel.address)
      : info?.type === 'internal' && info.dest.equals(target) && info.src.equals(sender.address);
    if (caused) {
      const d = tx.description;
      outcome = {
        success: d.type === 'generic' && !d.aborted && d.computePhase.type === 'vm' && d.computePhase.success
          && (!d.actionPhase || d.actionPhase.success),
        exitCode: d.computePhase.type === 'vm' ? d.computePhase.exitCode : null,
      };
    }
    if (info?.type === 'internal' && info.src.equals(channel.address)) {
      if (info.dest.equals(client.address)) got.client += info.value.coins;
      if (info.dest.equals(operator.address)) got.operator += info.value.coins;
    }
  }
  let data = null;
  try {
    data = await channelData(channel.address);
  } catch (e) {
    data = { error: String(e.message || e) };
  }
  received[step.channel].client += got.client;
  received[step.channel].operator += got.operator;
  steps.push({ outcome, data, received: { client: got.client.toString(), operator: got.operator.toString() } });
}
console.log(JSON.stringify({
  codeHash: code.hash().toString('hex'),
  addresses: channels.map((c) => raw(c.address)),
  steps,
  received: received.map((r) => ({ client: r.client.toString(), operator: r.operator.toString() })),
}));
