package io.vela;

import io.vela.api.Authenticator;
import io.vela.auth.AclAuthorizer;
import io.vela.auth.AclFile;
import io.vela.auth.AclRule;
import io.vela.auth.AuthenticationChain;
import io.vela.auth.BearerTokenAuthenticator;
import io.vela.auth.FileUsersAuthenticator;
import io.vela.auth.JwtVerticle;
import io.vela.auth.OidcVerticle;
import io.vela.auth.TokenProviders;
import io.vela.config.AuthConfig;
import io.vela.config.AuthProviderConfig;
import io.vela.config.ConfigException;
import io.vela.config.ListenerConfig;
import io.vela.config.VelaConfig;
import io.vela.metrics.BrokerMetrics;
import io.vela.session.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Part of the composition root: builds what {@code auth:} configures and hands it to the session registry: one
 * authenticator per provider (token providers deployed as verticles answering on the event bus), the chain of every
 * listener, the ACL authorizer and the MQTT 5 bearer-token method.
 */
final class AuthSetup {

  private static final Logger LOG = LoggerFactory.getLogger(AuthSetup.class);

  private AuthSetup() {
  }

  /** Deploys the provider verticles (their ids go to {@code deployed}) and configures {@code registry}. */
  static Future<Void> start(Vertx vertx, VelaConfig config, SessionRegistry registry, BrokerMetrics metrics,
                            Consumer<String> deployed) {
    AuthConfig auth = config.auth;
    registry.authConfig(auth);
    Map<String, Authenticator> providers = new LinkedHashMap<>();
    List<Future<?>> deployments = new ArrayList<>();
    for (Map.Entry<String, AuthProviderConfig> e : auth.providers.entrySet()) {
      String name = e.getKey();
      AuthProviderConfig p = e.getValue();
      switch (p.type) {
        case FILE -> {
          try {
            providers.put(name, new FileUsersAuthenticator(vertx, name, Path.of(p.file)));
          } catch (ConfigException ce) {
            throw new ConfigException("config key 'auth.providers." + name + ".file': " + ce.getMessage());
          }
        }
        case JWT, OIDC -> {
          deployments.add(vertx.deployVerticle(p.type == AuthProviderConfig.Type.JWT ? new JwtVerticle(name, p)
              : new OidcVerticle(name, p)).onSuccess(deployed::accept));
          providers.put(name, TokenProviders.requests(vertx, name, auth.requestTimeoutMs));
        }
        default -> throw new IllegalStateException("unknown provider type " + p.type);
      }
    }
    for (Map.Entry<String, ListenerConfig> e : config.listeners.entrySet()) {
      ListenerConfig l = e.getValue();
      List<String> names = l.authChain != null ? l.authChain : auth.chain;
      if (!names.isEmpty()) {
        registry.chain(l, chain(names, providers));
        LOG.info("listener {}: authentication chain {}", e.getKey(), names);
      }
    }
    if (auth.chain.isEmpty() && !config.mqtt.allowAnonymous && !auth.providers.isEmpty()
        && config.listeners.values().stream().anyMatch(l -> l.authChain == null)) {
      LOG.warn("auth.providers are configured but auth.chain is empty: listeners without their own auth-chain "
          + "accept any client that sends a user name");
    }
    List<AclRule> fileRules = auth.acl.file == null ? List.of() : AclFile.read(Path.of(auth.acl.file));
    if (auth.acl.file != null || auth.acl.claim != null
        || auth.acl.noMatch == io.vela.config.AclConfig.Decision.DENY) {
      registry.authorizer(new AclAuthorizer(fileRules, auth.acl.claim,
          auth.acl.noMatch == io.vela.config.AclConfig.Decision.ALLOW, auth.acl.cacheLastDecision, metrics));
    }
    if (auth.bearerMethod != null) {
      List<String> tokenNames = new ArrayList<>();
      for (String n : auth.chain.isEmpty() ? new ArrayList<>(auth.providers.keySet()) : auth.chain) {
        if (auth.providers.get(n).type != AuthProviderConfig.Type.FILE) {
          tokenNames.add(n);
        }
      }
      registry.registerEnhancedAuthenticator(new BearerTokenAuthenticator(auth.bearerMethod,
          chain(tokenNames, providers)));
    }
    return Future.all(deployments).mapEmpty();
  }

  private static Authenticator chain(List<String> names, Map<String, Authenticator> providers) {
    List<Map.Entry<String, Authenticator>> list = new ArrayList<>();
    for (String n : names) {
      list.add(new AbstractMap.SimpleImmutableEntry<>(n, providers.get(n)));
    }
    return new AuthenticationChain(list);
  }
}
