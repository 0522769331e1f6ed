package io.vela.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vela.api.BrokerContext;
import io.vela.api.BrokerExtension;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Top-level sections owned by broker extensions: handed over as JSON, checked by the extension, errors named. */
class ExtensionSectionsTest {

  /** Owns {@code demo}; requires {@code demo.port} to be a whole number when the section exists. */
  static final class Demo implements BrokerExtension {
    final List<JsonObject> validated = new ArrayList<>();

    @Override
    public String configKey() {
      return "demo";
    }

    @Override
    public void validate(JsonObject section) {
      validated.add(section);
      if (section != null && !(section.getValue("port") instanceof Integer)) {
        throw new IllegalArgumentException("config key 'demo.port': expected a whole number");
      }
    }

    @Override
    public Future<Void> start(BrokerContext broker, JsonObject section) {
      return Future.succeededFuture();
    }
  }

  @Test
  @DisplayName("an extension's section reaches it as JSON, with environment overrides applied, and is kept")
  void sectionIsHandedOver() {
    Demo demo = new Demo();
    VelaConfig c = ConfigLoader.parse("demo:\n  port: 1\n  nested:\n    list: [a, b]\nmqtt:\n  max-qos: 1\n",
        "test.yaml", Map.of("VELA_DEMO__PORT", "2"), List.of(demo));
    assertThat(c.mqtt.maxQos).isEqualTo(1);
    assertThat(c.extensions.get("demo").getInteger("port")).isEqualTo(2);
    assertThat(c.extensions.get("demo").getJsonObject("nested").getJsonArray("list").getList())
        .containsExactly("a", "b");
    assertThat(demo.validated).hasSize(1);
  }

  @Test
  @DisplayName("no section: the extension is asked with null and the config has no entry")
  void absentSection() {
    Demo demo = new Demo();
    VelaConfig c = ConfigLoader.parse("", "test.yaml", Map.of(), List.of(demo));
    assertThat(c.extensions).isEmpty();
    assertThat(demo.validated).containsExactly((JsonObject) null);
  }

  @Test
  @DisplayName("the extension's own error names the file and the key; a non-section value is refused")
  void errorsAreNamed() {
    assertThatThrownBy(() -> ConfigLoader.parse("demo:\n  port: abc\n", "test.yaml", Map.of(), List.of(new Demo())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("test.yaml: config key 'demo.port': expected a whole number");
    assertThatThrownBy(() -> ConfigLoader.parse("demo: 5\n", "test.yaml", Map.of(), List.of(new Demo())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'demo'").hasMessageContaining("section");
  }

  @Test
  @DisplayName("a top-level key that neither the broker nor an extension owns is still an unknown key")
  void unknownTopLevelKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("demoo:\n  port: 1\n", "test.yaml", Map.of(), List.of(new Demo())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown config key 'demoo'");
  }
}
