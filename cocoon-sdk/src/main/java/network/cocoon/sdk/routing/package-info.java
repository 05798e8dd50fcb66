/**
 * Where workers come from: a {@link network.cocoon.sdk.routing.WorkerDirectory} lists candidate endpoints
 * (a fixed list, or a {@link network.cocoon.sdk.routing.SignedWorkerDirectory} fetched over HTTP and signed by
 * a key the user pins). Entries are hints only: the client uses a worker once its attestation passes the
 * policy, it serves the requested model and its price is within the cap.
 */
package network.cocoon.sdk.routing;
