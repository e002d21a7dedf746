package io.miaobu.dynamic;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the Python a project asks for ({@code .python-version}'s {@code 3.10.4}, {@code runtime.txt}'s
 * {@code 3.11}, pyproject's {@code requires-python = ">=3.9,<3.13"}, Poetry's {@code ^3.10}) is met by an interpreter
 * X.Y. A pin is met by its minor version whatever the patch; a form this does not read is treated as met, so an
 * unusual spelling never blocks a build.
 */
final class PythonVersionRequest {
    private static final Pattern PIN = Pattern.compile("^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+|\\*))?$");
    private static final Pattern SPECIFIER = Pattern.compile("^(~=|==|!=|<=|>=|<|>|\\^|~)?\\s*(\\d+(?:\\.\\d+)*)(\\.\\*)?$");

    private PythonVersionRequest() {}

    /** @param target {@code major.minor} */
    static boolean metBy(String requested, String target) {
        int[] have = parts(target);
        String text = requested.strip();
        Matcher pin = PIN.matcher(text);
        if (pin.matches()) {
            return Integer.parseInt(pin.group(1)) == have[0] && (pin.group(2) == null || Integer.parseInt(pin.group(2)) == have[1]);
        }
        for (String clause : text.split(",")) {
            Matcher m = SPECIFIER.matcher(clause.strip());
            if (!m.matches()) {
                return true;
            }
            if (!clauseMetBy(m.group(1) == null ? "==" : m.group(1), parts(m.group(2)), have)) {
                return false;
            }
        }
        return true;
    }

    private static boolean clauseMetBy(String op, int[] v, int[] have) {
        // The interpreter's X.Y stands for every X.Y.z: "<3.10.5" and "==3.10.*" are met by 3.10.
        int cmp = compare(have, v, 2);
        boolean samePrefix = compare(have, v, Math.min(2, v.length)) == 0; // "==3.*", "==3.10.4"
        return switch (op) {
            case "==" -> samePrefix;
            case "!=" -> !(samePrefix && v.length <= 2);
            case ">=" -> cmp >= 0;
            case ">" -> cmp > 0 || (cmp == 0 && v.length > 2);
            case "<=" -> cmp <= 0;
            case "<" -> cmp < 0 || (cmp == 0 && v.length > 2 && v[2] > 0);
            // ~=3.10 is >=3.10,<4; ~=3.10.2 is >=3.10.2,<3.11; ^3.10 (Poetry) is >=3.10,<4; ~3.10 (Poetry) is >=3.10,<3.11
            case "~=" -> cmp >= 0 && (v.length > 2 ? compare(have, v, 2) == 0 : have[0] == v[0]);
            case "^" -> cmp >= 0 && have[0] == v[0];
            case "~" -> cmp >= 0 && (v.length >= 2 ? compare(have, v, 2) == 0 : have[0] == v[0]);
            default -> true;
        };
    }

    private static int compare(int[] a, int[] b, int n) {
        for (int i = 0; i < n; i++) {
            int x = i < a.length ? a[i] : 0;
            int y = i < b.length ? b[i] : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static int[] parts(String version) {
        return Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }
}
