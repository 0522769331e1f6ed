package io.vela.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vela.api.BrokerExtension;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads the YAML configuration, applies {@code VELA_*} environment overrides and binds the result to
 * {@link VelaConfig}, failing with a {@link ConfigException} that names the offending key.
 *
 * <p>Environment naming: {@code VELA_} + the key path, levels separated by a double underscore, dashes written as
 * single underscores, any case: {@code mqtt.max-packet-size} is {@code VELA_MQTT__MAX_PACKET_SIZE}, the port of the
 * listener named tcp is {@code VELA_LISTENERS__TCP__PORT}. Values are read as YAML scalars.
 *
 * <p>A text value may also name variables as {@code ${NAME}} (see {@link EnvSubstitution}); a variable named that way
 * is a value, never a key override, even when it starts with {@code VELA_}.
 */
public final class ConfigLoader {

  /** Variables with the prefix that are not config keys (used by the start script). */
  static final Set<String> RESERVED_VARIABLES = Set.of("VELA_HOME", "VELA_OPTS", "VELA_JAVA_OPTS", "VELA_CONFIG",
      "VELA_JAR");

  private static final YAMLMapper MAPPER = YAMLMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .build();

  private ConfigLoader() {
  }

  /** Loads {@code file} (must exist) with overrides from {@code env}. */
  public static VelaConfig load(Path file, Map<String, String> env) {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file not found: " + file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(yaml, file.toString(), env);
  }

  /** Parses YAML text (source names it in messages) with overrides from {@code env}. */
  public static VelaConfig parse(String yaml, String source, Map<String, String> env) {
    return parse(yaml, source, env, Extensions.installed());
  }

  /**
   * Parses with the given extensions (instead of those on the class path): each owns the top-level section named by
   * its {@link BrokerExtension#configKey()}, which it checks itself.
   */
  public static VelaConfig parse(String yaml, String source, Map<String, String> env,
                                 List<BrokerExtension> extensions) {
    ObjectNode tree = readTree(yaml, source);
    Set<String> referenced = EnvSubstitution.apply(tree, env, source);
    Map<String, String> origins = applyEnvironment(tree, without(env, referenced));
    Map<String, JsonObject> sections = extensionSections(tree, source, origins, extensions);
    Extensions.dropSectionsOfMissing(tree, extensions, source);
    VelaConfig config = bind(tree, source, origins);
    ConfigValidator.validate(config, origins);
    config.extensions.putAll(sections);
    return config;
  }

  /** Takes each extension's section out of the tree (the broker's own binding knows none) and has it checked. */
  private static Map<String, JsonObject> extensionSections(ObjectNode tree, String source,
                                                           Map<String, String> origins,
                                                           List<BrokerExtension> extensions) {
    Map<String, JsonObject> sections = new LinkedHashMap<>();
    for (BrokerExtension extension : extensions) {
      String key = extension.configKey();
      JsonNode node = tree.remove(key);
      JsonObject section = null;
      if (node != null && !node.isNull()) {
        if (!node.isObject()) {
          throw new ConfigException(where(source, key, origins) + "config key '" + key
              + "': expected a section (key: value mapping)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = MAPPER.convertValue(node, Map.class);
        section = new JsonObject(map);
      }
      try {
        extension.validate(section);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": " + e.getMessage());
      }
      if (section != null) {
        sections.put(key, section);
      }
    }
    return sections;
  }

  /** {@code env} less the variables the file references as ${NAME}: those are values, not key overrides. */
  private static Map<String, String> without(Map<String, String> env, Set<String> names) {
    if (names.isEmpty()) {
      return env;
    }
    Map<String, String> rest = new HashMap<>(env);
    rest.keySet().removeAll(names);
    return rest;
  }

  private static ObjectNode readTree(String yaml, String source) {
    try {
      JsonNode node = MAPPER.readTree(yaml);
      if (node == null || node.isMissingNode() || node.isNull()) {
        return JsonNodeFactory.instance.objectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException(source + ": the top level must be a mapping of keys, found " + node.getNodeType());
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      throw new ConfigException(source + ": not valid YAML" + where + ": " + e.getOriginalMessage());
    }
  }

  /** Applies overrides and returns, per dotted key, the variable that set it (for messages). */
  static Map<String, String> applyEnvironment(ObjectNode tree, Map<String, String> env) {
    Map<String, String> origins = new HashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String var = e.getKey();
      if (!var.startsWith("VELA_") || RESERVED_VARIABLES.contains(var)) {
        continue;
      }
      String[] parts = var.substring("VELA_".length()).split("__", -1);
      List<String> path = new ArrayList<>();
      for (String p : parts) {
        if (p.isEmpty()) {
          throw new ConfigException("environment variable " + var + ": empty key level (use __ only between levels)");
        }
        path.add(p.toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      ObjectNode node = tree;
      for (int i = 0; i < path.size() - 1; i++) {
        JsonNode child = node.get(path.get(i));
        if (child == null || child.isNull()) {
          child = node.putObject(path.get(i));
        }
        if (!child.isObject()) {
          throw new ConfigException("environment variable " + var + ": config key '"
              + String.join(".", path.subList(0, i + 1)) + "' is not a section");
        }
        node = (ObjectNode) child;
      }
      node.set(path.get(path.size() - 1), scalar(e.getValue()));
      origins.put(String.join(".", path), var);
    }
    return origins;
  }

  private static JsonNode scalar(String value) {
    try {
      JsonNode n = MAPPER.readTree(value);
      if (n != null && n.isValueNode()) {
        return n;
      }
    } catch (JsonProcessingException ignored) {
      // not a YAML scalar: keep it as text
    }
    return TextNode.valueOf(value);
  }

  private static VelaConfig bind(ObjectNode tree, String source, Map<String, String> origins) {
    try {
      return MAPPER.treeToValue(tree, VelaConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String key = path(e);
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream().map(String::valueOf)
          .sorted().collect(Collectors.joining(", "));
      throw new ConfigException(where(source, key, origins) + "unknown config key '" + key + "'"
          + (known.isEmpty() ? "" : " (known keys here: " + known + ")"));
    } catch (InvalidFormatException e) {
      String key = path(e);
      throw new ConfigException(where(source, key, origins) + "config key '" + key + "': '" + e.getValue()
          + "' is not " + describe(e.getTargetType()));
    } catch (MismatchedInputException e) {
      String key = path(e);
      throw new ConfigException(where(source, key, origins) + "config key '" + key + "': expected "
          + describe(e.getTargetType()));
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage());
    }
  }

  private static String where(String source, String key, Map<String, String> origins) {
    String var = origins.get(key);
    return var != null ? "environment variable " + var + ": " : source + ": ";
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
        .collect(Collectors.joining("."));
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "a value of the right type";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "text";
    }
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.stream(type.getEnumConstants())
          .map(c -> c.toString().toLowerCase(Locale.ROOT).replace('_', '-')).collect(Collectors.joining(", "));
    }
    if (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.")) {
      return "a section (key: value mapping)";
    }
    return "a " + type.getSimpleName();
  }
}
