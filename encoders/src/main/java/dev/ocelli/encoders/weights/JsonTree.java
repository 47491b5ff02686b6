package dev.ocelli.encoders.weights;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A config.json read with jackson-core's streaming parser into plain Java values: objects are
 * {@code Map<String,Object>}, arrays {@code List<Object>}, numbers Long or Double, plus String,
 * Boolean and null. HF configs are small, flat-ish and tolerant (NaN and Infinity appear in
 * some), so the parser is lenient about those.
 */
public final class JsonTree {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private JsonTree() {
    }

    /** Parses {@code file}; {@link CheckpointException} naming the file on bad JSON. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            Object v = parse(bytes);
            if (!(v instanceof Map)) {
                throw new CheckpointException(file + ": expected a JSON object at the top level");
            }
            return (Map<String, Object>) v;
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + ": not valid JSON: " + e.getOriginalMessage().replace('\n', ' '), e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static Object parse(byte[] bytes) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new JsonProcessingException("empty document") { };
            }
            return value(p, t);
        }
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String k = p.currentName();
                    m.put(k, value(p, p.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(value(p, e));
                }
                yield l;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonProcessingException("unexpected token " + t) { };
        };
    }
}
