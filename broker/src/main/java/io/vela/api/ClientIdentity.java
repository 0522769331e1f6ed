package io.vela.api;

import io.vertx.core.json.JsonObject;

/**
 * Who a connection is once authenticated, as an {@link Authorizer} sees it.
 *
 * @param username  the user name the client authenticated with (null when it sent none)
 * @param principal the authenticated identity (token subject, file user), null for anonymous clients
 * @param claims    the claims of its token (empty when it used none)
 * @param listener  the type of the listener it connected on (tcp, tls, ws, wss)
 */
public record ClientIdentity(String clientId, String username, String principal, JsonObject claims,
                             String listener) {
}
