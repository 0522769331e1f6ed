package io.vela.api.admin;

/** One retained message (the payload is a copy-free reference: do not change it). */
public record RetainedInfo(String topic, byte[] payload, int qos, String publisherId) {
}
