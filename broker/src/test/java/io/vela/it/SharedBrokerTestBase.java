package io.vela.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One default broker per test class and fresh HiveMQ clients per test (closed after it), for the integration tests
 * that need nothing else. Test classes run one after another, so the static broker is never shared between classes.
 */
abstract class SharedBrokerTestBase {

  static TestBroker broker;
  PubSubClients clients;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void openClients() {
    clients = new PubSubClients(broker);
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }
}
