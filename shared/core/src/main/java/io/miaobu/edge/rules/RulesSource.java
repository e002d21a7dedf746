package io.miaobu.edge.rules;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/** Where the rules files of a deployment are read from: its output directory, or stored uploads. */
@FunctionalInterface
public interface RulesSource {
    /** Rules files larger than this are ignored with a warning: no real rule set comes near it. */
    int MAX_BYTES = 1024 * 1024;

    /** The content of the file {@code name} at the top of the deployment, or empty when there is none. */
    Optional<byte[]> read(String name) throws IOException;

    /**
     * Regular files directly in {@code dir}. A symbolic link is not followed: a rules file must be
     * part of the site, never a link to something else on the builder's disk.
     */
    static RulesSource directory(Path dir) {
        return name -> {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(in.readNBytes(MAX_BYTES + 1)); // past the limit is reported, not read
            }
        };
    }

    /** Text of a rules file: UTF-8 with or without a byte-order mark; invalid bytes become U+FFFD. */
    static String text(byte[] bytes) {
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(bytes, start, bytes.length - start))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder does not throw", e);
        }
    }

    /** Lines split on CRLF, CR or LF, so files saved on Windows or old Macs read the same. */
    static String[] lines(String text) {
        return text.split("\r\n|\r|\n", -1);
    }
}
