// Makes cocoon-sdk/src/test/resources/vectors/cocoon-receipt.json with an implementation independent of the
// SDK: @ton/core builds the receipt cell from the TL-B in docs/protocol.md section 10 and @ton/crypto signs its
// hash. Run from a directory where `npm install @ton/core @ton/crypto` was done:
//   NODE_PATH=$PWD/node_modules node receipt_vector.mjs > cocoon-receipt.json
import { createRequire } from 'module';
const require = createRequire(process.cwd() + '/');
const { beginCell, Address } = require('@ton/core');
const { keyPairFromSeed, sign, sha256_sync } = require('@ton/crypto');

const seed = Buffer.from('5eed'.repeat(16), 'hex');
const key = keyPairFromSeed(seed);
const inputs = {
  channel: '0:e55aa31981284bc152e0bd3e026bba009a5970034889e38e02621bda5ee957b9',
  channelId: '124',
  seqno: 7,
  requestHash: sha256_sync(Buffer.from('sealed request bytes')).toString('hex'),
  resultHash: sha256_sync(Buffer.from('canonical completion')).toString('hex'),
  promptTokens: 26,
  completionTokens: 4,
  promptPricePer1k: '100000',
  completionPricePer1k: '200000',
  amount: '3400',
  cumulative: '10400',
  time: '1795000000',
};
const terms = beginCell()
  .storeAddress(Address.parse(inputs.channel))
  .storeCoins(BigInt(inputs.promptPricePer1k))
  .storeCoins(BigInt(inputs.completionPricePer1k))
  .storeCoins(BigInt(inputs.amount))
  .storeCoins(BigInt(inputs.cumulative))
  .endCell();
const receipt = beginCell()
  .storeUint(0x52435054, 32)
  .storeUint(BigInt(inputs.channelId), 128)
  .storeUint(inputs.seqno, 32)
  .storeBuffer(Buffer.from(inputs.requestHash, 'hex'))
  .storeBuffer(Buffer.from(inputs.resultHash, 'hex'))
  .storeUint(inputs.promptTokens, 32)
  .storeUint(inputs.completionTokens, 32)
  .storeUint(BigInt(inputs.time), 64)
  .storeRef(terms)
  .endCell();
const signature = sign(receipt.hash(), key.secretKey);
const signed = beginCell().storeBuffer(signature).storeRef(receipt).endCell();
const boc = (c) => c.toBoc({ idx: false, crc32: true }).toString('hex');
console.log(JSON.stringify({
  about: 'A Cocoon receipt (docs/protocol.md section 10) built by @ton/core from the TL-B and signed by @ton/crypto;'
    + ' made by cocoon-sdk/src/test/scripts/receipt_vector.mjs',
  signingKeySeed: seed.toString('hex'),
  signingKey: key.publicKey.toString('hex'),
  inputs,
  receiptBoc: boc(receipt),
  receiptHash: receipt.hash().toString('hex'),
  signature: signature.toString('hex'),
  signedReceiptBoc: boc(signed),
}, null, 2));
