package io.miaobu.testkit.aliyun;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a multipart/form-data body into name -> bytes (what an OSS PostObject receives). */
final class Multipart {
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");

    private Multipart() {}

    static Map<String, byte[]> parse(String contentType, byte[] body) {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        if (contentType == null || !contentType.startsWith("multipart/form-data")) {
            return parts;
        }
        String boundary = "--" + contentType.replaceAll(".*boundary=\"?([^\";]+)\"?.*", "$1");
        byte[] delimiter = ("\r\n" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, boundary.getBytes(StandardCharsets.ISO_8859_1), 0);
        while (pos >= 0) {
            int lineEnd = pos + boundary.length();
            if (lineEnd + 2 > body.length || (body[lineEnd] == '-' && body[lineEnd + 1] == '-')) {
                break;
            }
            int headersStart = lineEnd + 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                break;
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1);
            int next = indexOf(body, delimiter, headersEnd + 4);
            if (next < 0) {
                break;
            }
            Matcher m = NAME.matcher(headers);
            if (m.find()) {
                parts.put(m.group(1), Arrays.copyOfRange(body, headersEnd + 4, next));
            }
            pos = next + 2;
        }
        return parts;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
