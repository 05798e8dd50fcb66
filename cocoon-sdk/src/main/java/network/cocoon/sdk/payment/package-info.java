/**
 * Payments to workers over the standard TON two-party payment channel: the off-chain states the client (party
 * A, the payer) signs, in the contract's own TL-B, built on ton4j cells. Amounts are integer nanotons.
 *
 * <p>This package so far holds the channel states and their signatures, byte for byte as tonweb, ton4j's
 * smart-contract module and {@code @ton/core} produce them. Receipts, the per-channel spend store and the
 * on-chain interface follow.
 */
package network.cocoon.sdk.payment;
