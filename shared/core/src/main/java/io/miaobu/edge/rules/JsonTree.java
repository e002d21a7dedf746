package io.miaobu.edge.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON read into plain values that remember their line, so a warning about a rule in
 * {@code miaobu.json} can name the line it is on. Values are {@code Map<String, Node>},
 * {@code List<Node>}, String, Boolean, Number or null.
 */
final class JsonTree {
    private static final JsonFactory FACTORY = new JsonFactory();

    record Node(int line, Object value) {
        @SuppressWarnings("unchecked")
        Map<String, Node> object() {
            return value instanceof Map ? (Map<String, Node>) value : null;
        }

        @SuppressWarnings("unchecked")
        List<Node> array() {
            return value instanceof List ? (List<Node>) value : null;
        }

        String text() {
            return value instanceof String s ? s : null;
        }

        String type() {
            if (value == null) {
                return "null";
            }
            if (value instanceof Map) {
                return "an object";
            }
            if (value instanceof List) {
                return "an array";
            }
            if (value instanceof String) {
                return "a string";
            }
            return value instanceof Boolean ? "true or false" : "a number";
        }
    }

    /** A syntax error and the line it is on. */
    static final class Malformed extends Exception {
        final int line;

        Malformed(String message, int line) {
            super(message);
            this.line = line;
        }
    }

    private JsonTree() {}

    static Node parse(String text) throws Malformed {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new Malformed("the file is empty", 1);
            }
            Node root = read(parser);
            if (parser.nextToken() != null) {
                throw new Malformed("unexpected content after the end of the JSON value", line(parser));
            }
            return root;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new Malformed("invalid JSON: " + e.getOriginalMessage(), Math.max(line, 1));
        } catch (IOException e) {
            throw new Malformed("unreadable: " + e.getMessage(), 1);
        }
    }

    private static Node read(JsonParser parser) throws IOException {
        int line = line(parser);
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Node> fields = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    fields.put(name, read(parser));
                }
                return new Node(line, fields);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(parser));
                }
                return new Node(line, items);
            }
            case VALUE_STRING -> {
                return new Node(line, parser.getText());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Node(line, parser.getBooleanValue());
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Node(line, parser.getNumberValue());
            }
            case VALUE_NULL -> {
                return new Node(line, null);
            }
            default -> throw new JsonProcessingException("unexpected " + token, parser.currentLocation()) {};
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }
}
