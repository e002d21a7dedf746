package io.miaobu.architecture;

import java.util.List;

/**
 * A Maven module (its directory in the root POM's module list), its layer, and the packages it owns: a
 * package belongs to the module owning its longest prefix, so one package never spans two modules.
 */
record Module(String dir, Layer layer, List<String> packages) {
    @Override
    public String toString() {
        return dir + " (" + layer.title + ")";
    }
}
