package io.vela.codec;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties.StringPair;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.netty.handler.codec.mqtt.MqttProperties.UserProperties;
import io.vela.api.PublishProperties;
import io.vela.api.UserProperty;
import java.util.ArrayList;
import java.util.List;

/** Maps Netty's MQTT 5 property bag to Vela's records and back. */
final class Properties {

  private Properties() {
  }

  static Integer integer(MqttProperties props, MqttPropertyType type) {
    MqttProperty<?> p = props.getProperty(type.value());
    return p instanceof IntegerProperty ip ? ip.value() : null;
  }

  static Long unsignedInt(MqttProperties props, MqttPropertyType type) {
    Integer v = integer(props, type);
    return v == null ? null : Integer.toUnsignedLong(v);
  }

  static String string(MqttProperties props, MqttPropertyType type) {
    MqttProperty<?> p = props.getProperty(type.value());
    return p instanceof StringProperty sp ? sp.value() : null;
  }

  static byte[] binary(MqttProperties props, MqttPropertyType type) {
    MqttProperty<?> p = props.getProperty(type.value());
    return p instanceof BinaryProperty bp ? bp.value() : null;
  }

  static List<UserProperty> userProperties(MqttProperties props) {
    List<?> all = props.getProperties(MqttPropertyType.USER_PROPERTY.value());
    if (all.isEmpty()) {
      return List.of();
    }
    List<UserProperty> out = new ArrayList<>();
    for (Object p : all) {
      if (p instanceof UserProperties ups) {
        for (StringPair pair : ups.value()) {
          out.add(new UserProperty(pair.key, pair.value));
        }
      } else if (p instanceof MqttProperties.UserProperty up) {
        out.add(new UserProperty(up.value().key, up.value().value));
      }
    }
    return out;
  }

  /**
   * True when there is no property at all. Netty's {@link MqttProperties#isEmpty()} does not see User Properties and
   * Subscription Identifiers (it keeps them in separate lists), so never use it to decide whether to read them.
   */
  static boolean isEmpty(MqttProperties props) {
    return props == null || props.listAll().isEmpty();
  }

  static PublishProperties publish(MqttProperties props) {
    if (isEmpty(props)) {
      return PublishProperties.NONE;
    }
    return new PublishProperties(
        integer(props, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR),
        unsignedInt(props, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL),
        string(props, MqttPropertyType.CONTENT_TYPE),
        string(props, MqttPropertyType.RESPONSE_TOPIC),
        binary(props, MqttPropertyType.CORRELATION_DATA),
        userProperties(props));
  }

  /**
   * The encoded length of what {@link #publish(PublishProperties, Long, int[], int)} makes, property length excluded.
   */
  static int publishLength(PublishProperties pp, int[] subscriptionIds, int topicAlias) {
    int n = topicAlias > 0 ? 3 : 0;
    if (pp.payloadFormatIndicator() != null) {
      n += 2;
    }
    if (pp.messageExpiryInterval() != null) {
      n += 5;
    }
    if (pp.contentType() != null) {
      n += 3 + ByteBufUtil.utf8Bytes(pp.contentType());
    }
    if (pp.responseTopic() != null) {
      n += 3 + ByteBufUtil.utf8Bytes(pp.responseTopic());
    }
    if (pp.correlationData() != null) {
      n += 3 + pp.correlationData().length;
    }
    for (UserProperty up : pp.userProperties()) {
      n += 5 + ByteBufUtil.utf8Bytes(up.name()) + ByteBufUtil.utf8Bytes(up.value());
    }
    for (int id : subscriptionIds) {
      n += 1 + variableByteIntegerLength(id);
    }
    return n;
  }

  static int variableByteIntegerLength(int value) {
    return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
  }

  /** Netty properties for an outbound PUBLISH (remaining expiry, subscription ids and a topic alias added). */
  static MqttProperties publish(PublishProperties pp, Long remainingExpiry, int[] subscriptionIds, int topicAlias) {
    if (pp.isEmpty() && subscriptionIds.length == 0 && topicAlias == 0) {
      return MqttProperties.NO_PROPERTIES;
    }
    MqttProperties out = new MqttProperties();
    if (topicAlias > 0) {
      out.add(new IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), topicAlias));
    }
    if (pp.payloadFormatIndicator() != null) {
      out.add(new IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), pp.payloadFormatIndicator()));
    }
    if (remainingExpiry != null) {
      out.add(new IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(),
          (int) remainingExpiry.longValue()));
    }
    if (pp.contentType() != null) {
      out.add(new StringProperty(MqttPropertyType.CONTENT_TYPE.value(), pp.contentType()));
    }
    if (pp.responseTopic() != null) {
      out.add(new StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), pp.responseTopic()));
    }
    if (pp.correlationData() != null) {
      out.add(new BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), pp.correlationData()));
    }
    if (!pp.userProperties().isEmpty()) {
      List<StringPair> pairs = new ArrayList<>(pp.userProperties().size());
      for (UserProperty up : pp.userProperties()) {
        pairs.add(new StringPair(up.name(), up.value()));
      }
      out.add(new UserProperties(pairs));
    }
    for (int id : subscriptionIds) {
      out.add(new IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), id));
    }
    return out;
  }
}
