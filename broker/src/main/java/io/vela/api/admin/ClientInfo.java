package io.vela.api.admin;

import java.util.List;

/**
 * A snapshot of one session, connected or not.
 *
 * @param connected        whether a network connection is attached right now
 * @param username         the CONNECT user name of the last connection, or null
 * @param remoteAddress    the client's address of the last connection, or null
 * @param protocol         {@code 3.1}, {@code 3.1.1} or {@code 5}, of the last connection
 * @param connectedAtMillis epoch milliseconds of the last CONNECT of this session, 0 if unknown
 * @param expirySeconds    the session expiry interval in force
 * @param queued           messages waiting to be sent (offline queue or backed-up socket)
 * @param inflight         QoS 1/2 messages sent and not yet acknowledged
 */
public record ClientInfo(String clientId, boolean connected, String username, String remoteAddress, String protocol,
                         int keepAliveSeconds, boolean cleanStart, long connectedAtMillis, long expirySeconds,
                         int queued, int inflight, List<SubscriptionInfo> subscriptions) {
}
