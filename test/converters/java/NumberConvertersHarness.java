import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.converters.BooleanConverter;
import org.apache.kafka.connect.converters.DoubleConverter;
import org.apache.kafka.connect.converters.FloatConverter;
import org.apache.kafka.connect.converters.IntegerConverter;
import org.apache.kafka.connect.converters.LongConverter;
import org.apache.kafka.connect.converters.ShortConverter;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

/**
 * Runs Apache Kafka's own Boolean/Double/Float/Integer/Long/Short converters over the cases of
 * number-converters-compat.test.ts.
 *
 * Input: a JSON array file. Every case names a "converter" (its simple class name), "isKey" and
 * "header" (use fromConnectHeader/toConnectHeader instead of the data methods).
 *   A write case has "schema" (a Schema.Type name, "OPTIONAL_" + one, or null) and "value"
 *   {"kind": byte|short|int|long|float|double|boolean|string|bytes|null, "text"}: the Java value
 *   of that class parsed from the text (bytes as base64), given to fromConnectData.
 *   A read case has "input": base64 bytes or null, given to toConnectData.
 *
 * Output: one JSON object per line: first {"javaVersion"}, then per case {"id", "ok": true,
 * "output": base64 or null} (write), {"id", "ok": true, "schema": {"type", "optional"}, "value":
 * null or {"class", "text", "bits"}} (read; bits: the float's or double's IEEE bits in hex) or
 * {"id", "ok": false, "error": {"class", "message", "causeClass", "causeMessage"}}.
 */
public final class NumberConvertersHarness {
    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode cases = mapper.readTree(new File(args[0]));
        StringBuilder out = new StringBuilder();
        ObjectNode header = mapper.createObjectNode();
        header.put("javaVersion", System.getProperty("java.specification.version"));
        out.append(mapper.writeValueAsString(header)).append('\n');
        for (JsonNode c : cases) {
            ObjectNode result = mapper.createObjectNode();
            result.put("id", c.get("id").asText());
            try {
                Object converter = converter(c.get("converter").asText(), c.path("isKey").asBoolean(false));
                boolean asHeader = c.path("header").asBoolean(false);
                if (c.has("input")) {
                    byte[] input = c.get("input").isNull() ? null : Base64.getDecoder().decode(c.get("input").asText());
                    SchemaAndValue data = asHeader
                        ? ((HeaderConverter) converter).toConnectHeader("topic", "key", input)
                        : ((Converter) converter).toConnectData("topic", input);
                    result.put("ok", true);
                    ObjectNode schema = result.putObject("schema");
                    schema.put("type", data.schema().type().getName());
                    schema.put("optional", data.schema().isOptional());
                    Object value = data.value();
                    if (value == null) {
                        result.putNull("value");
                    } else {
                        ObjectNode v = result.putObject("value");
                        v.put("class", value.getClass().getName());
                        v.put("text", value.toString());
                        if (value instanceof Float) v.put("bits", Integer.toHexString(Float.floatToIntBits((Float) value)));
                        if (value instanceof Double) v.put("bits", Long.toHexString(Double.doubleToLongBits((Double) value)));
                    }
                } else {
                    Schema schema = schema(c.get("schema"));
                    Object value = value(c.get("value"));
                    byte[] bytes = asHeader
                        ? ((HeaderConverter) converter).fromConnectHeader("topic", "key", schema, value)
                        : ((Converter) converter).fromConnectData("topic", schema, value);
                    result.put("ok", true);
                    result.put("output", bytes == null ? null : Base64.getEncoder().encodeToString(bytes));
                }
            } catch (Exception e) {
                result.put("ok", false);
                ObjectNode error = result.putObject("error");
                error.put("class", e.getClass().getName());
                error.put("message", e.getMessage());
                if (e.getCause() != null) {
                    error.put("causeClass", e.getCause().getClass().getName());
                    error.put("causeMessage", e.getCause().getMessage());
                }
            }
            out.append(mapper.writeValueAsString(result)).append('\n');
        }
        System.out.write(out.toString().getBytes(StandardCharsets.UTF_8));
        System.out.flush();
    }

    private static Object converter(String name, boolean isKey) {
        Converter converter;
        switch (name) {
            case "BooleanConverter": converter = new BooleanConverter(); break;
            case "DoubleConverter": converter = new DoubleConverter(); break;
            case "FloatConverter": converter = new FloatConverter(); break;
            case "IntegerConverter": converter = new IntegerConverter(); break;
            case "LongConverter": converter = new LongConverter(); break;
            case "ShortConverter": converter = new ShortConverter(); break;
            default: throw new IllegalArgumentException("unknown converter " + name);
        }
        Map<String, Object> settings = new HashMap<>();
        converter.configure(settings, isKey);
        return converter;
    }

    private static Schema schema(JsonNode name) {
        if (name == null || name.isNull()) return null;
        String text = name.asText();
        boolean optional = text.startsWith("OPTIONAL_");
        Schema.Type type = Schema.Type.valueOf(optional ? text.substring("OPTIONAL_".length()) : text);
        org.apache.kafka.connect.data.SchemaBuilder builder = org.apache.kafka.connect.data.SchemaBuilder.type(type);
        if (optional) builder.optional();
        return builder.build();
    }

    private static Object value(JsonNode value) {
        String kind = value.get("kind").asText();
        String text = value.path("text").asText();
        switch (kind) {
            case "null": return null;
            case "byte": return Byte.valueOf(text);
            case "short": return Short.valueOf(text);
            case "int": return Integer.valueOf(text);
            case "long": return Long.valueOf(text);
            case "float": return Float.valueOf(text);
            case "double": return Double.valueOf(text);
            case "boolean": return Boolean.valueOf(text);
            case "string": return text;
            case "bytes": return Base64.getDecoder().decode(text);
            default: throw new IllegalArgumentException("unknown value kind " + kind);
        }
    }
}
