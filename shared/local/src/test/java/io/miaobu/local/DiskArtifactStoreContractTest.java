package io.miaobu.local;

import io.miaobu.store.ArtifactStore;
import io.miaobu.testkit.ArtifactStoreContract;
import java.io.IOException;

/** The disk store passes the contract every ArtifactStore passes. */
class DiskArtifactStoreContractTest extends ArtifactStoreContract {
    private DiskArtifactStore store;

    @Override
    protected ArtifactStore store() throws IOException {
        if (store == null) {
            store = new DiskArtifactStore(files.resolve("store"));
        }
        return store;
    }
}
