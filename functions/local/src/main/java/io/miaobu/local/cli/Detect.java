package io.miaobu.local.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.miaobu.api.DetectionView;
import io.miaobu.build.detect.Detection;
import io.miaobu.build.detect.DirectorySourceTree;
import io.miaobu.build.detect.FrameworkDetector;
import io.miaobu.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./miaobu detect DIR... [--root-directory PATH]}: one JSON line per directory with what a
 * build of it would run (DESIGN §10). Reads files only; nothing of the project runs.
 */
public final class Detect {
    private Detect() {}

    public static void main(String[] args) {
        List<String> dirs = new ArrayList<>();
        String root = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--root-directory") && i + 1 < args.length) {
                root = args[++i];
            } else if (a.startsWith("--root-directory=")) {
                root = a.substring("--root-directory=".length());
            } else if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: ./miaobu detect DIR... [--root-directory PATH]");
                return;
            } else if (a.startsWith("--")) {
                System.err.println("miaobu detect: unknown option " + a + " (usage: ./miaobu detect DIR... [--root-directory PATH])");
                System.exit(2);
            } else {
                dirs.add(a);
            }
        }
        if (dirs.isEmpty()) {
            dirs.add(".");
        }
        int status = 0;
        FrameworkDetector detector = FrameworkDetector.standard();
        for (String dir : dirs) {
            Path path = Path.of(dir);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("directory", dir);
            if (!Files.isDirectory(path)) {
                line.put("error", dir + " is not a directory");
                status = 1;
            } else if (root != null && !Files.isDirectory(path.resolve(root))) {
                line.put("error", "root directory " + root + " does not exist in " + dir);
                status = 1;
            } else {
                Detection d = detector.detect(new DirectorySourceTree(path), root);
                // The same fields as POST /api/v1/detect answers.
                line.putAll(Json.MAPPER.convertValue(DetectionView.of(d), new TypeReference<Map<String, Object>>() {}));
            }
            System.out.println(Json.writeString(line));
        }
        System.exit(status);
    }
}
