package io.miaobu.deploy;

import io.miaobu.errors.ApiError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several files in one request body, so a first deploy of thousands of small files is not thousands
 * of requests. Each file is a line {@code <sha256> <length>\n} followed by exactly that many bytes;
 * files follow each other with nothing in between.
 */
public final class UploadFrames {
    private static final int MAX_HEADER = 100;

    private UploadFrames() {}

    public static List<FolderDeployments.Upload> parse(byte[] body) {
        List<FolderDeployments.Upload> uploads = new ArrayList<>();
        int at = 0;
        while (at < body.length) {
            int newline = -1;
            for (int i = at; i < Math.min(body.length, at + MAX_HEADER); i++) {
                if (body[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            String header = newline < 0 ? "" : new String(body, at, newline - at, StandardCharsets.US_ASCII);
            String[] parts = header.split(" ");
            long length;
            try {
                length = parts.length == 2 ? Long.parseLong(parts[1]) : -1;
            } catch (NumberFormatException e) {
                length = -1;
            }
            // Compared by subtraction: `newline + 1 + length` overflows for a length near 2^63 and passed (a 500).
            if (newline < 0 || length < 0 || length > body.length - (newline + 1)) {
                throw ApiError.badRequest("invalid_upload", "File " + (uploads.size() + 1) + " of the upload is not framed as "
                        + "`<sha256> <length>` and a newline followed by that many bytes.");
            }
            int start = newline + 1;
            uploads.add(new FolderDeployments.Upload(parts[0], Arrays.copyOfRange(body, start, start + (int) length)));
            at = start + (int) length;
        }
        if (uploads.isEmpty()) {
            throw ApiError.badRequest("invalid_upload", "The upload holds no files.");
        }
        return uploads;
    }
}
