package io.vela.config;

/** A configuration problem with a message fit to show an operator as is (it names the key or variable). */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
