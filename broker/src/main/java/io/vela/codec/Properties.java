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

  static PublishProperties publish(MqttProperties props) {
    if (props == null || props.isEmpty()) {
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

  /** Bytes a Variable Byte Integer takes. */
  static int varIntLength(int value) {
    return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
  }

  /** Bytes the properties take when encoded (without their own length prefix). */
  static int encodedLength(MqttProperties props) {
    int length = 0;
    for (MqttProperty<?> p : props.listAll()) {
      int id = varIntLength(p.propertyId());
      if (p instanceof UserProperties ups) {
        for (StringPair pair : ups.value()) { // one identifier per pair
          length += id + 2 + ByteBufUtil.utf8Bytes(pair.key) + 2 + ByteBufUtil.utf8Bytes(pair.value);
        }
      } else if (p instanceof MqttProperties.UserProperty up) {
        length += id + 2 + ByteBufUtil.utf8Bytes(up.value().key) + 2 + ByteBufUtil.utf8Bytes(up.value().value);
      } else if (p instanceof StringProperty sp) {
        length += id + 2 + ByteBufUtil.utf8Bytes(sp.value());
      } else if (p instanceof BinaryProperty bp) {
        length += id + 2 + bp.value().length;
      } else if (p instanceof IntegerProperty ip) {
        length += id + integerLength(MqttPropertyType.valueOf(p.propertyId()), ip.value());
      }
    }
    return length;
  }

  private static int integerLength(MqttPropertyType type, int value) {
    return switch (type) {
      case SUBSCRIPTION_IDENTIFIER -> varIntLength(value);
      case SERVER_KEEP_ALIVE, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM, TOPIC_ALIAS -> 2;
      case PUBLICATION_EXPIRY_INTERVAL, SESSION_EXPIRY_INTERVAL, WILL_DELAY_INTERVAL, MAXIMUM_PACKET_SIZE -> 4;
      default -> 1;
    };
  }

  /** Netty properties for an outbound PUBLISH (remaining expiry, subscription ids added). */
  static MqttProperties publish(PublishProperties pp, Long remainingExpiry, int[] subscriptionIds) {
    if (pp.isEmpty() && subscriptionIds.length == 0) {
      return MqttProperties.NO_PROPERTIES;
    }
    MqttProperties out = new MqttProperties();
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
