import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * Runs Apache Kafka's own single message transforms and predicates (connect-transforms) over the
 * cases of transforms-compat.test.ts.
 *
 * Input: a JSON array file of cases {"id", "kind": "transformation"|"predicate", "className",
 * "config": {string map}, "record": {"kind": "sink"|"source", "topic", "partition", "offset",
 * "timestamp", "key", "value", "headers": [{"key", "value"}]}, "converter": {string map}}, where
 * key, value and each header value are JsonConverter envelopes ({"schema":…,"payload":…}, read
 * with schemas.enable=true and the case's converter settings) or null for a Kafka null.
 *
 * Output: one JSON object per line: first {"javaVersion"}, then per case {"id", "ok": true,
 * "record": {...} or null (dropped)} for a transformation, {"id", "ok": true, "test": boolean}
 * for a predicate, or {"id", "ok": false, "stage": "read"|"configure"|"apply"|"write",
 * "errorClass", "message", "cause"}. Output records carry topic, partition, offset (sink records
 * only), timestamp, and key, value and header values written back as envelopes (null for a null
 * schema and value).
 */
public final class TransformsHarness {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        JsonNode cases = MAPPER.readTree(new File(args[0]));
        StringBuilder out = new StringBuilder();
        ObjectNode header = MAPPER.createObjectNode();
        header.put("javaVersion", System.getProperty("java.specification.version"));
        out.append(MAPPER.writeValueAsString(header)).append('\n');
        for (JsonNode c : cases) {
            out.append(MAPPER.writeValueAsString(runCase(c))).append('\n');
        }
        System.out.write(out.toString().getBytes(StandardCharsets.UTF_8));
        System.out.flush();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ObjectNode runCase(JsonNode c) {
        ObjectNode result = MAPPER.createObjectNode();
        result.put("id", c.get("id").asText());
        String stage = "read";
        try {
            JsonConverter converter = converter(c.get("converter"));
            ConnectRecord<?> record = readRecord(converter, c.get("record"));
            Map<String, String> config = new HashMap<>();
            c.get("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            Object plugin = Class.forName(c.get("className").asText()).getDeclaredConstructor().newInstance();
            boolean predicate = "predicate".equals(c.get("kind").asText());
            stage = "configure";
            if (predicate) {
                Predicate p = (Predicate) plugin;
                p.configure(config);
                stage = "apply";
                boolean test = p.test(record);
                result.put("ok", true);
                result.put("test", test);
            } else {
                Transformation t = (Transformation) plugin;
                t.configure(config);
                stage = "apply";
                ConnectRecord<?> transformed = t.apply(record);
                stage = "write";
                JsonNode written = transformed == null ? MAPPER.nullNode() : writeRecord(converter, transformed);
                result.put("ok", true);
                result.set("record", written);
            }
        } catch (Throwable e) {
            result.put("ok", false);
            result.put("stage", stage);
            result.put("errorClass", e.getClass().getName());
            result.put("message", e.getMessage());
            if (e.getCause() != null) {
                result.put("cause", e.getCause().getClass().getName() + ": " + e.getCause().getMessage());
            }
        }
        return result;
    }

    private static ConnectRecord<?> readRecord(JsonConverter converter, JsonNode r) {
        String topic = r.get("topic").asText();
        Integer partition = r.get("partition").isNull() ? null : r.get("partition").asInt();
        Long timestamp = r.get("timestamp").isNull() ? null : r.get("timestamp").asLong();
        SchemaAndValue key = read(converter, topic, r.get("key"));
        SchemaAndValue value = read(converter, topic, r.get("value"));
        ConnectHeaders headers = new ConnectHeaders();
        for (JsonNode h : r.get("headers")) {
            SchemaAndValue hv = read(converter, topic, h.get("value"));
            headers.add(h.get("key").asText(), hv.value(), hv.schema());
        }
        if ("sink".equals(r.get("kind").asText())) {
            return new SinkRecord(topic, partition, key.schema(), key.value(), value.schema(), value.value(),
                    r.get("offset").asLong(), timestamp,
                    timestamp == null ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME, headers);
        }
        return new SourceRecord(Collections.singletonMap("source", "harness"), Collections.singletonMap("position", 1L),
                topic, partition, key.schema(), key.value(), value.schema(), value.value(), timestamp, headers);
    }

    private static SchemaAndValue read(JsonConverter converter, String topic, JsonNode envelope) {
        if (envelope == null || envelope.isNull()) return SchemaAndValue.NULL;
        return converter.toConnectData(topic, envelope.asText().getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode writeRecord(JsonConverter converter, ConnectRecord<?> record) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("topic", record.topic());
        if (record.kafkaPartition() == null) out.putNull("partition");
        else out.put("partition", record.kafkaPartition());
        if (record instanceof SinkRecord) out.put("offset", ((SinkRecord) record).kafkaOffset());
        if (record.timestamp() == null) out.putNull("timestamp");
        else out.put("timestamp", record.timestamp());
        out.put("key", write(converter, record.topic(), record.keySchema(), record.key()));
        out.put("value", write(converter, record.topic(), record.valueSchema(), record.value()));
        ArrayNode headers = out.putArray("headers");
        for (Header h : record.headers()) {
            ObjectNode header = headers.addObject();
            header.put("key", h.key());
            header.put("value", write(converter, record.topic(), h.schema(), h.value()));
        }
        return out;
    }

    private static JsonConverter converter(JsonNode config) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("schemas.enable", "true");
        if (config != null) config.fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        JsonConverter converter = new JsonConverter();
        converter.configure(settings, false);
        return converter;
    }

    private static String write(JsonConverter converter, String topic, org.apache.kafka.connect.data.Schema schema, Object value) {
        byte[] bytes = converter.fromConnectData(topic, schema, value);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
