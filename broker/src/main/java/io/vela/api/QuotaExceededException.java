package io.vela.api;

/**
 * Fails a {@link ConfirmingSubscriber}'s promise when it refuses a message for lack of room (a full spool): an MQTT 5
 * publisher gets PUBACK/PUBREC 0x97 (Quota exceeded) instead of 0x80.
 */
public class QuotaExceededException extends RuntimeException {

  public QuotaExceededException(String message) {
    super(message, null, false, false);
  }
}
