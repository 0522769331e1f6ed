package io.vela.bridge.kafka;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bridge of the {@code kafka-bridges} section, checked at load: every problem is an
 * {@link IllegalArgumentException} whose message names the key ({@code kafka-bridges.<name>.to-kafka[0].topic}).
 */
record BridgeConfig(String name, String bootstrapServers, Map<String, String> producer, Map<String, String> consumer,
                    List<ToKafka> toKafka, List<FromKafka> fromKafka, SpoolConfig spool, boolean autoStart) {

  static final String SECTION = "kafka-bridges";

  /** Placeholders of to-kafka topic, key and header templates (plus ${1}, ${2}, ...: the filter's wildcards). */
  static final Set<String> MQTT_NAMES = Set.of("topic", "client-id", "username", "qos", "retain",
      "content-type", "response-topic", "correlation-data");
  /** Placeholders of the from-kafka MQTT topic template. */
  static final Set<String> KAFKA_NAMES = Set.of("key", "topic", "partition", "offset", "header.");

  enum Delivery { END_TO_END, BUFFERED }

  enum Envelope { NONE, JSON }

  enum FullPolicy { REJECT, DROP_OLDEST }

  /** MQTT to Kafka: messages matching {@code filter} become records of {@code topic}. */
  record ToKafka(String filter, String subscribeFilter, Template topic, Template key, Map<String, Template> headers,
                 boolean userProperties, Envelope envelope, Delivery delivery, int qos) {
  }

  /** Kafka to MQTT: records of {@code topics} are published to {@code mqttTopic}. */
  record FromKafka(List<String> topics, String groupId, String startOffset, Template mqttTopic, int qos,
                   boolean retain, boolean commitAfterAcknowledged, int maxUnacknowledged) {
  }

  record SpoolConfig(String dir, long maxBytes, long segmentBytes, FullPolicy fullPolicy) {
  }

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

  /**
   * Every bridge of the section. {@code ${NAME}} environment references were resolved when the configuration file was
   * read (io.vela.config.EnvSubstitution); what is left of the form {@code ${...}} are the bridge's own templates.
   */
  static List<BridgeConfig> parseAll(JsonObject section) {
    List<BridgeConfig> all = new ArrayList<>();
    if (section == null) {
      return all;
    }
    for (String name : section.fieldNames()) {
      String key = SECTION + "." + name;
      if (!NAME.matcher(name).matches()) {
        throw error(key, "bridge names are lower-case letters, digits and '-'");
      }
      Object value = section.getValue(name);
      if (!(value instanceof JsonObject bridge)) {
        throw error(key, "expected a mapping (bootstrap-servers, to-kafka, from-kafka, ...)");
      }
      all.add(parse(name, bridge));
    }
    return all;
  }

  static BridgeConfig parse(String name, JsonObject b) {
    String key = SECTION + "." + name;
    known(b, key, "bootstrap-servers", "producer", "consumer", "to-kafka", "from-kafka", "spool", "auto-start");
    String servers = requiredString(b, key + ".bootstrap-servers", "bootstrap-servers");
    if (servers.isBlank()) {
      throw error(key + ".bootstrap-servers", "is empty (is the environment variable set?)");
    }
    Map<String, String> producer = properties(b, "producer", key);
    Map<String, String> consumer = properties(b, "consumer", key);
    List<ToKafka> to = new ArrayList<>();
    JsonArray toArray = array(b, "to-kafka", key);
    for (int i = 0; i < toArray.size(); i++) {
      to.add(toKafka(object(toArray.getValue(i), key + ".to-kafka[" + i + "]"), key + ".to-kafka[" + i + "]"));
    }
    List<FromKafka> from = new ArrayList<>();
    JsonArray fromArray = array(b, "from-kafka", key);
    for (int i = 0; i < fromArray.size(); i++) {
      from.add(fromKafka(object(fromArray.getValue(i), key + ".from-kafka[" + i + "]"), key + ".from-kafka[" + i + "]",
          name));
    }
    if (to.isEmpty() && from.isEmpty()) {
      throw error(key, "needs at least one to-kafka or from-kafka mapping");
    }
    SpoolConfig spool = spool(b.getValue("spool"), key + ".spool", name);
    Object autoStart = b.getValue("auto-start", true);
    if (!(autoStart instanceof Boolean)) {
      throw error(key + ".auto-start", "expected true or false");
    }
    return new BridgeConfig(name, servers, producer, consumer, List.copyOf(to), List.copyOf(from), spool,
        (Boolean) autoStart);
  }

  private static ToKafka toKafka(JsonObject m, String key) {
    known(m, key, "filter", "share-group", "topic", "key", "headers", "user-properties", "envelope", "delivery", "qos");
    String filter = requiredString(m, key + ".filter", "filter");
    if (filter.isEmpty() || filter.startsWith("$share/") || !validFilter(filter)) {
      throw error(key + ".filter", "not a valid MQTT topic filter: '" + filter + "' (use share-group for "
          + "load sharing)");
    }
    String group = optionalString(m, key + ".share-group", "share-group");
    if (group != null && (group.isEmpty() || group.contains("/") || group.contains("+") || group.contains("#"))) {
      throw error(key + ".share-group", "a share name must be non-empty without '/', '+' or '#'");
    }
    int wildcards = RecordMapper.wildcards(filter).length;
    Template topic = template(requiredString(m, key + ".topic", "topic"), MQTT_NAMES, wildcards, key + ".topic");
    if (topic.constant() && !validKafkaTopic(topic.toString())) {
      throw error(key + ".topic", "not a valid Kafka topic name: '" + topic + "'");
    }
    String keySpec = m.getValue("key") == null ? "none" : requiredString(m, key + ".key", "key");
    Template recordKey = switch (keySpec) {
      case "none" -> null;
      case "client-id" -> template("${client-id}", MQTT_NAMES, 0, key + ".key");
      case "topic" -> template("${topic}", MQTT_NAMES, 0, key + ".key");
      default -> {
        if (!keySpec.contains("${")) {
          throw error(key + ".key", "expected none, client-id, topic or a template with ${...}: '" + keySpec + "'");
        }
        yield template(keySpec, MQTT_NAMES, wildcards, key + ".key");
      }
    };
    Map<String, Template> headers = new LinkedHashMap<>();
    Object h = m.getValue("headers");
    if (h != null) {
      if (!(h instanceof JsonObject hs)) {
        throw error(key + ".headers", "expected a mapping of header name to value template, e.g. mqtt_topic: "
            + "${topic}");
      }
      for (String header : hs.fieldNames()) {
        Object v = hs.getValue(header);
        if (!(v instanceof String s)) {
          throw error(key + ".headers." + header, "expected a string template, e.g. ${topic}");
        }
        headers.put(header, template(s, MQTT_NAMES, wildcards, key + ".headers." + header));
      }
    }
    boolean userProperties = bool(m, "user-properties", false, key);
    Envelope envelope = enumValue(m, "envelope", Envelope.NONE, key);
    Delivery delivery = enumValue(m, "delivery", Delivery.END_TO_END, key);
    int qos = integer(m, "qos", 1, 0, 2, key);
    String subscribe = group == null ? filter : "$share/" + group + "/" + filter;
    return new ToKafka(filter, subscribe, topic, recordKey, Map.copyOf(headers), userProperties, envelope, delivery,
        qos);
  }

  private static FromKafka fromKafka(JsonObject m, String key, String bridge) {
    known(m, key, "topics", "group-id", "start-offset", "mqtt-topic", "qos", "retain", "commit-after",
        "max-unacknowledged");
    Object t = m.getValue("topics");
    List<String> topics = new ArrayList<>();
    if (t instanceof String s) {
      topics.add(s);
    } else if (t instanceof JsonArray a && !a.isEmpty()) {
      for (Object o : a) {
        if (!(o instanceof String s)) {
          throw error(key + ".topics", "expected a list of Kafka topic names");
        }
        topics.add(s);
      }
    } else {
      throw error(key + ".topics", "required: a Kafka topic name or a list of them");
    }
    for (String s : topics) {
      if (!validKafkaTopic(s)) {
        throw error(key + ".topics", "not a valid Kafka topic name: '" + s + "'");
      }
    }
    String group = optionalString(m, key + ".group-id", "group-id");
    if (group == null) {
      group = "vela-" + bridge;
    }
    String start = optionalString(m, key + ".start-offset", "start-offset");
    start = start == null ? "latest" : start;
    if (!start.equals("latest") && !start.equals("earliest")) {
      throw error(key + ".start-offset", "expected latest or earliest: '" + start + "'");
    }
    Template mqtt = template(requiredString(m, key + ".mqtt-topic", "mqtt-topic"), KAFKA_NAMES, false,
        key + ".mqtt-topic");
    int qos = integer(m, "qos", 1, 0, 2, key);
    boolean retain = bool(m, "retain", false, key);
    String commitAfter = optionalString(m, key + ".commit-after", "commit-after");
    commitAfter = commitAfter == null ? "routed" : commitAfter;
    if (!commitAfter.equals("routed") && !commitAfter.equals("acknowledged")) {
      throw error(key + ".commit-after", "expected routed or acknowledged: '" + commitAfter + "'");
    }
    int maxUnacknowledged = integer(m, "max-unacknowledged", 1000, 1, 1_000_000, key);
    return new FromKafka(List.copyOf(topics), group, start, mqtt, qos, retain, commitAfter.equals("acknowledged"),
        maxUnacknowledged);
  }

  private static SpoolConfig spool(Object value, String key, String bridge) {
    JsonObject s = value == null ? new JsonObject() : object(value, key);
    known(s, key, "dir", "max-bytes", "segment-bytes", "full-policy");
    String dir = optionalString(s, key + ".dir", "dir");
    long max = longValue(s, "max-bytes", 256L << 20, 1L << 16, key);
    long segment = longValue(s, "segment-bytes", Math.min(16L << 20, max / 4), 1L << 12, key);
    if (segment > max) {
      throw error(key + ".segment-bytes", "must not exceed " + key + ".max-bytes");
    }
    FullPolicy policy = enumValue(s, "full-policy", FullPolicy.REJECT, key);
    return new SpoolConfig(dir == null ? "data/kafka-spool/" + bridge : dir, max, segment, policy);
  }

  /** True when some mapping uses the buffered mode (and so the spool). */
  boolean buffered() {
    return toKafka.stream().anyMatch(t -> t.delivery() == Delivery.BUFFERED);
  }

  // ---------------------------------------------------------------- helpers

  private static Map<String, String> properties(JsonObject b, String field, String key) {
    Object v = b.getValue(field);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof JsonObject p)) {
      throw error(key + "." + field, "expected a mapping of Kafka client properties");
    }
    for (String name : p.fieldNames()) {
      Object pv = p.getValue(name);
      if (pv instanceof JsonObject || pv instanceof JsonArray || pv == null) {
        throw error(key + "." + field + "." + name, "expected a plain value");
      }
      out.put(name, String.valueOf(pv));
    }
    return out;
  }

  private static Template template(String s, Set<String> names, boolean levels, String key) {
    return template(s, names, levels ? Integer.MAX_VALUE : 0, key);
  }

  private static Template template(String s, Set<String> names, int wildcards, String key) {
    try {
      return Template.parse(s, names, wildcards);
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  static boolean validKafkaTopic(String t) {
    return !t.isEmpty() && t.length() <= 249 && !t.equals(".") && !t.equals("..") && t.matches("[a-zA-Z0-9._-]+");
  }

  private static boolean validFilter(String f) {
    String[] levels = f.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String l = levels[i];
      if (l.contains("#") && (!l.equals("#") || i != levels.length - 1)) {
        return false;
      }
      if (l.contains("+") && !l.equals("+")) {
        return false;
      }
    }
    return true;
  }

  private static void known(JsonObject o, String key, String... names) {
    Set<String> allowed = Set.of(names);
    for (String f : o.fieldNames()) {
      if (!allowed.contains(f)) {
        throw error(key + "." + f, "unknown key (known: " + String.join(", ", names) + ")");
      }
    }
  }

  private static JsonObject object(Object v, String key) {
    if (!(v instanceof JsonObject o)) {
      throw error(key, "expected a mapping");
    }
    return o;
  }

  private static JsonArray array(JsonObject o, String field, String key) {
    Object v = o.getValue(field);
    if (v == null) {
      return new JsonArray();
    }
    if (!(v instanceof JsonArray a)) {
      throw error(key + "." + field, "expected a list of mappings");
    }
    return a;
  }

  private static String requiredString(JsonObject o, String key, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      throw error(key, "required");
    }
    if (!(v instanceof String s)) {
      throw error(key, "expected a string");
    }
    return s;
  }

  private static String optionalString(JsonObject o, String key, String field) {
    return o.getValue(field) == null ? null : requiredString(o, key, field);
  }

  private static boolean bool(JsonObject o, String field, boolean dflt, String key) {
    Object v = o.getValue(field, dflt);
    if (!(v instanceof Boolean b)) {
      throw error(key + "." + field, "expected true or false");
    }
    return b;
  }

  private static int integer(JsonObject o, String field, int dflt, int min, int max, String key) {
    return (int) longValue(o, field, dflt, min, key, max);
  }

  private static long longValue(JsonObject o, String field, long dflt, long min, String key) {
    return longValue(o, field, dflt, min, key, Long.MAX_VALUE);
  }

  private static long longValue(JsonObject o, String field, long dflt, long min, String key, long max) {
    Object v = o.getValue(field, dflt);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw error(key + "." + field, "expected a whole number");
    }
    long l = n.longValue();
    if (l < min || l > max) {
      throw error(key + "." + field, "expected " + min + (max == Long.MAX_VALUE ? " or more" : " to " + max)
          + ": " + l);
    }
    return l;
  }

  private static <E extends Enum<E>> E enumValue(JsonObject o, String field, E dflt, String key) {
    Object v = o.getValue(field);
    if (v == null) {
      return dflt;
    }
    for (E e : dflt.getDeclaringClass().getEnumConstants()) {
      if (e.name().toLowerCase().replace('_', '-').equals(v)) {
        return e;
      }
    }
    StringBuilder names = new StringBuilder();
    for (E e : dflt.getDeclaringClass().getEnumConstants()) {
      names.append(names.length() == 0 ? "" : ", ").append(e.name().toLowerCase().replace('_', '-'));
    }
    throw error(key + "." + field, "expected one of " + names + ": '" + v + "'");
  }

  static IllegalArgumentException error(String key, String problem) {
    return new IllegalArgumentException("config key '" + key + "': " + problem);
  }
}
