package io.miaobu.build.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a byte stream into lines: '\n' ends a line (a '\r' before it is dropped), a line longer
 * than {@code maxBytes} is cut into several (never inside a UTF-8 character), and the rest after
 * the last '\n' is a line of its own. Bytes that are not UTF-8 become U+FFFD.
 */
final class LineReader {
    private final int maxBytes;
    private final Consumer<String> sink;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final byte[] line;
    private int length;

    LineReader(int maxBytes, Consumer<String> sink) {
        if (maxBytes < 4) {
            throw new IllegalArgumentException("maxBytes must be at least 4");
        }
        this.maxBytes = maxBytes;
        this.sink = sink;
        this.line = new byte[maxBytes];
    }

    /** Reads {@code in} to its end, delivering every line. */
    void readAll(InputStream in) throws IOException {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                accept(buf, n);
            }
        } finally {
            finish();
        }
    }

    void accept(byte[] buf, int n) {
        for (int i = 0; i < n; i++) {
            byte b = buf[i];
            if (b == '\n') {
                int end = length;
                if (end > 0 && line[end - 1] == '\r') {
                    end--;
                }
                emit(end);
                length = 0;
                continue;
            }
            if (length == maxBytes) {
                splitLongLine();
            }
            line[length++] = b;
        }
    }

    void finish() {
        if (length > 0) {
            emit(length);
            length = 0;
        }
    }

    /** The buffer is full and no newline came: emit it, keeping an incomplete UTF-8 character. */
    private void splitLongLine() {
        int cut = length;
        // Walk back over at most 3 continuation bytes to the start of the last character.
        int start = length - 1;
        while (start > 0 && length - start < 4 && (line[start] & 0xC0) == 0x80) {
            start--;
        }
        int lead = line[start] & 0xFF;
        int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (lead >= 0xC0 && length - start < needed) {
            cut = start; // the last character is incomplete: carry it over to the next piece
        }
        if (cut == 0) {
            cut = length;
        }
        emit(cut);
        int rest = length - cut;
        System.arraycopy(line, cut, line, 0, rest);
        length = rest;
    }

    private void emit(int end) {
        String text;
        try {
            decoder.reset();
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(line, 0, end));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            text = new String(line, 0, end, StandardCharsets.UTF_8);
        }
        sink.accept(text);
    }
}
