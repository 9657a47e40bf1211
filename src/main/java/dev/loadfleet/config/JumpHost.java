package dev.loadfleet.config;

/** An SSH jump host ({@code [user@]address[:port]}) through which the launcher reaches a host. */
public record JumpHost(String user, String address, int port) {
  @Override
  public String toString() {
    return user + "@" + address + ":" + port;
  }
}
