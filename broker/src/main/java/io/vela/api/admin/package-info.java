/**
 * What the admin console (and any other management extension) may see and steer of the running broker: snapshots as
 * records, commands as methods of {@link io.vela.api.admin.Admin}, reached through
 * {@link io.vela.api.BrokerContext#admin()}.
 */
package io.vela.api.admin;
