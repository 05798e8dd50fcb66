/**
 * Getting paid: checks each request's signed promise on the client's payment channel, keeps promises and
 * receipts in a crash-safe ledger before any work or answer, and signs a receipt for every answer.
 */
package network.cocoon.worker.payment;
