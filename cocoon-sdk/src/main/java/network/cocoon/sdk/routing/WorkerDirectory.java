package network.cocoon.sdk.routing;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A source of candidate worker endpoints. The client asks it again from time to time; an implementation may
 * cache. Nothing it returns is trusted: each worker must still pass the client's attestation policy.
 */
@FunctionalInterface
public interface WorkerDirectory {
    /**
     * The candidate endpoints now, without duplicates.
     *
     * @return the endpoints; may be empty
     * @throws DirectoryException when the directory cannot be read or does not verify
     */
    List<URI> endpoints();

    /**
     * A fixed list.
     *
     * @param endpoints {@code http} or {@code https} base URLs
     * @return a directory that always answers with them
     */
    static WorkerDirectory fixed(List<URI> endpoints) {
        List<URI> copy = List.copyOf(endpoints);
        for (URI endpoint : copy) {
            String scheme = Objects.requireNonNull(endpoint).getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("endpoint must be http or https: " + endpoint);
            }
        }
        return () -> copy;
    }
}
