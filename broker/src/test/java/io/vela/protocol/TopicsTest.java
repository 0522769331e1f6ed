package io.vela.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "a/b", "/", "/a", "a/", "sport/tennis/player1", "$SYS/broker", "a b", "ü/€"})
  void validTopicNames(String topic) {
    assertThat(Topics.isValidTopicName(topic)).isTrue();
  }

  @ParameterizedTest
  @DisplayName("[MQTT-3.3.2-2] [MQTT-4.7.3-1] topic names have no wildcards and at least one character")
  @ValueSource(strings = {"", "a/+", "#", "a/#", "+", "a+b", "a\u0000b", "a\uFFFDb", "\uD800"})
  void invalidTopicNames(String topic) {
    assertThat(Topics.isValidTopicName(topic)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"#", "+", "a/#", "a/+", "+/+", "/+", "+/a/#", "sport/tennis/+", "a//b", "$SYS/#", "a/+/c"})
  void validFilters(String filter) {
    assertThat(Topics.isValidFilter(filter)).isTrue();
  }

  @ParameterizedTest
  @DisplayName("[MQTT-4.7.1-2] [MQTT-4.7.1-3] wildcards occupy whole levels, # only last")
  @ValueSource(strings = {"", "a#", "a/#/b", "#/a", "a+", "+a", "a/b+", "sport/tennis#", "a/\u0000"})
  void invalidFilters(String filter) {
    assertThat(Topics.isValidFilter(filter)).isFalse();
  }

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
      "sport/tennis/player1/#, sport/tennis/player1, true",
      "sport/tennis/player1/#, sport/tennis/player1/ranking, true",
      "sport/tennis/player1/#, sport/tennis/player1/score/wimbledon, true",
      "sport/#, sport, true",
      "#, a/b/c, true",
      "sport/tennis/+, sport/tennis/player1, true",
      "sport/tennis/+, sport/tennis/player1/ranking, false",
      "sport/+, sport, false",
      "sport/+, sport/, true",
      "+/+, /finance, true",
      "/+, /finance, true",
      "+, /finance, false",
      "a/b, a/b, true",
      "a/b, a/b/c, false",
      "a/b/c, a/b, false",
      "a//b, a//b, true",
      "+/b, a/b, true",
      "a/+/c, a/x/c, true",
      "a/+/c, a/x/d, false",
  })
  @DisplayName("[MQTT-4.7.1-2] [MQTT-4.7.1-3] wildcard matching examples from the specification")
  void matching(String filter, String topic, boolean expected) {
    assertThat(Topics.matches(filter, topic)).isEqualTo(expected);
  }

  @Test
  @DisplayName("[MQTT-4.7.2-1] filters starting with a wildcard do not match topics starting with $")
  void dollarTopics() {
    assertThat(Topics.matches("#", "$SYS/broker/uptime")).isFalse();
    assertThat(Topics.matches("+/broker/uptime", "$SYS/broker/uptime")).isFalse();
    assertThat(Topics.matches("$SYS/#", "$SYS/broker/uptime")).isTrue();
    assertThat(Topics.matches("$SYS/+/uptime", "$SYS/broker/uptime")).isTrue();
  }

  @Test
  void sharedFilters() {
    assertThat(Topics.isSharedFilter("$share/g/a/b")).isTrue();
    assertThat(Topics.isSharedFilter("a/$share")).isFalse();
  }
}
