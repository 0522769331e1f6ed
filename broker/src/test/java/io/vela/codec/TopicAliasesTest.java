package io.vela.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TopicAliasesTest {

  @Test
  @DisplayName("inbound: aliases 1..maximum are valid, 0 and above are not; a mapping can be replaced")
  void inbound() {
    TopicAliases a = new TopicAliases();
    assertThat(a.validInbound(1)).as("nothing announced yet").isFalse();
    a.inboundMaximum(3);
    assertThat(a.validInbound(0)).isFalse();
    assertThat(a.validInbound(1)).isTrue();
    assertThat(a.validInbound(3)).isTrue();
    assertThat(a.validInbound(4)).isFalse();
    assertThat(a.inboundTopic(2)).isNull();
    a.mapInbound(2, "a/b");
    assertThat(a.inboundTopic(2)).isEqualTo("a/b");
    a.mapInbound(2, "c");
    assertThat(a.inboundTopic(2)).isEqualTo("c");
  }

  @Test
  @DisplayName("outbound: none until allowed; then new topics take 1..maximum in order, known ones keep theirs, the "
      + "rest get none")
  void outbound() {
    TopicAliases a = new TopicAliases();
    assertThat(a.outboundAlias("x")).isZero();
    a.outboundMaximum(2);
    assertThat(a.outboundKnown("x")).isFalse();
    assertThat(a.outboundAlias("x")).isEqualTo(1);
    assertThat(a.outboundAlias("x")).as("asking does not assign").isEqualTo(1);
    a.use("x", a.outboundAlias("x"));
    assertThat(a.outboundKnown("x")).isTrue();
    a.use("y", a.outboundAlias("y"));
    assertThat(a.outboundAlias("y")).isEqualTo(2);
    assertThat(a.outboundAlias("z")).as("full: no alias").isZero();
    a.use("z", a.outboundAlias("z"));
    assertThat(a.outboundKnown("z")).isFalse();
    assertThat(a.outboundAlias("x")).isEqualTo(1);
  }
}
