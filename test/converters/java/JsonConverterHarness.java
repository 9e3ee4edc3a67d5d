import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Runs Apache Kafka's own JsonConverter over the cases of json-converter-compat.test.ts.
 *
 * Input: a JSON array file. A case is {"id", "input": base64 bytes, "read": {config}, "write":
 * {config}}: the input is read with toConnectData (converter configured with "read") and the
 * result written with fromConnectData (converter configured with "write"). A case
 * {"id", "float64"|"float32": "NaN"|"Infinity"|"-Infinity"|"-0.0", "write": {config}} writes that
 * value, which JSON input cannot carry, with a required float schema.
 *
 * Output: one JSON object per line: first {"javaVersion"}, then per case {"id", "ok": true,
 * "output": base64 or null} or {"id", "ok": false, "stage": "read"|"write", "error"}.
 */
public final class JsonConverterHarness {
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
            String stage = "read";
            try {
                SchemaAndValue data;
                if (c.has("input")) {
                    JsonConverter reader = converter(c.get("read"));
                    data = reader.toConnectData("topic", Base64.getDecoder().decode(c.get("input").asText()));
                } else if (c.has("float64")) {
                    data = new SchemaAndValue(Schema.FLOAT64_SCHEMA, Double.valueOf(c.get("float64").asText()));
                } else {
                    data = new SchemaAndValue(Schema.FLOAT32_SCHEMA, Float.valueOf(c.get("float32").asText()));
                }
                stage = "write";
                byte[] bytes = converter(c.get("write")).fromConnectData("topic", data.schema(), data.value());
                result.put("ok", true);
                result.put("output", bytes == null ? null : Base64.getEncoder().encodeToString(bytes));
            } catch (Exception e) {
                result.put("ok", false);
                result.put("stage", stage);
                result.put("error", e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause().getMessage()));
            }
            out.append(mapper.writeValueAsString(result)).append('\n');
        }
        System.out.write(out.toString().getBytes(StandardCharsets.UTF_8));
        System.out.flush();
    }

    private static JsonConverter converter(JsonNode config) {
        Map<String, Object> settings = new HashMap<>();
        if (config != null) config.fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        JsonConverter converter = new JsonConverter();
        converter.configure(settings, false);
        return converter;
    }
}
