package io.miaobu.build.process;

import io.miaobu.config.ConfigException;
import java.util.BitSet;

/**
 * The uids builds run as: one per running build, handed out round-robin so a uid is taken again as
 * late as possible (its previous build's processes and files are gone by then anyway).
 */
final class BuildUids {
    private final int first;
    private final int count;
    private final BitSet taken;
    private int next;

    BuildUids(int first, int count) {
        this.first = first;
        this.count = count;
        this.taken = new BitSet(count);
    }

    synchronized int acquire() {
        for (int i = 0; i < count; i++) {
            int slot = (next + i) % count;
            if (!taken.get(slot)) {
                taken.set(slot);
                next = (slot + 1) % count;
                return first + slot;
            }
        }
        throw new ConfigException("all " + count + " build uids (MIAOBU_BUILD_UIDS) are in use; give builds a larger range "
                + "than MIAOBU_BUILD_CONCURRENCY");
    }

    synchronized void release(int uid) {
        taken.clear(uid - first);
    }
}
