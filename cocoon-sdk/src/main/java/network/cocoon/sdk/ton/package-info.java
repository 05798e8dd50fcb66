/**
 * Reaching TON: one small interface for on-chain calls ({@link network.cocoon.sdk.ton.TonApi}: run a get-method,
 * send a signed message) and its implementation over a TON HTTP API (toncenter's v2 JSON-RPC) with OkHttp. The
 * payment package builds what is sent and parses what is read.
 */
package network.cocoon.sdk.ton;
