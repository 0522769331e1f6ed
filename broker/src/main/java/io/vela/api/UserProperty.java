package io.vela.api;

/** One MQTT 5 user property; duplicates and order are significant. */
public record UserProperty(String name, String value) {
}
