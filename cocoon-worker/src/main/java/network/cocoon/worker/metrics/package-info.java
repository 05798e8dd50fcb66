/** What an operator watches: requests by outcome, tokens, queue depth, latencies and earnings, for Prometheus. */
package network.cocoon.worker.metrics;
