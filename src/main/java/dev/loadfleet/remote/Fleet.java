package dev.loadfleet.remote;

import dev.loadfleet.config.HostSpec;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * SSH connections to every host of a run, opened in parallel; hosts that could not be reached keep
 * their error. {@link #each} runs one step on every connected host at once.
 */
public final class Fleet implements Closeable {
  /** One step on one host. */
  @FunctionalInterface
  public interface Step<T> {
    T apply(RemoteHost host) throws Exception;
  }

  private final List<HostSpec> hosts;
  private final SshOptions options;
  private final Map<String, RemoteHost> connected = new ConcurrentHashMap<>();
  private final Map<String, IOException> failed = new ConcurrentHashMap<>();
  private final ExecutorService pool;

  private Fleet(List<HostSpec> hosts, SshOptions options) {
    this.hosts = List.copyOf(hosts);
    this.options = options;
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(1, hosts.size()),
            r -> {
              Thread t = new Thread(r, "fleet");
              t.setDaemon(true);
              return t;
            });
  }

  public static Fleet connect(List<HostSpec> hosts, SshOptions options) {
    Fleet fleet = new Fleet(hosts, options);
    fleet.eachHost(
        h -> {
          fleet.reconnect(h);
          return null;
        });
    return fleet;
  }

  /** (Re)connects one host; on failure the host is marked failed with the reason. */
  public Optional<RemoteHost> reconnect(HostSpec host) {
    RemoteHost old = connected.remove(host.name());
    if (old != null) {
      old.close();
    }
    try {
      RemoteHost remote = RemoteHost.connect(host, options);
      connected.put(host.name(), remote);
      failed.remove(host.name());
      return Optional.of(remote);
    } catch (IOException e) {
      failed.put(host.name(), e);
      return Optional.empty();
    }
  }

  /** Drops a host's connection (e.g. after a command timed out); the next use reconnects. */
  public void disconnect(String name) {
    RemoteHost old = connected.remove(name);
    if (old != null) {
      old.close();
    }
  }

  public List<HostSpec> hosts() {
    return hosts;
  }

  public Optional<RemoteHost> get(String name) {
    return Optional.ofNullable(connected.get(name));
  }

  public Optional<IOException> failure(String name) {
    return Optional.ofNullable(failed.get(name));
  }

  /**
   * Results per host name in inventory order (a dropped host is reconnected once); errors are
   * values.
   */
  public <T> Map<String, Result<T>> each(Step<T> step) {
    return each(hosts.stream().map(HostSpec::name).collect(Collectors.toSet()), step);
  }

  /**
   * Like {@link #each}, on the hosts named in {@code only}: the others are neither reconnected nor
   * in the result.
   */
  public <T> Map<String, Result<T>> each(Set<String> only, Step<T> step) {
    Map<String, Result<T>> results =
        eachHost(
            h -> {
              if (!only.contains(h.name())) {
                return null;
              }
              RemoteHost remote = connected.get(h.name());
              if (remote == null || !remote.isConnected()) {
                // dropped since (a cut link, a timed-out command): one fresh attempt
                remote =
                    reconnect(h)
                        .orElseThrow(
                            () ->
                                failed.getOrDefault(
                                    h.name(), new IOException(h.name() + ": not connected")));
              }
              return step.apply(remote);
            });
    results.keySet().retainAll(only);
    return results;
  }

  /**
   * Runs {@code step} for every host in parallel, whether or not it is connected, and waits for
   * every host's outcome. An interrupt while waiting (Ctrl+C during the start) does not cut the
   * wait short: the steps run on anyway, and a host that did start must be known, to be stopped and
   * collected. The interrupt is kept and set again on return.
   */
  public <T> Map<String, Result<T>> eachHost(HostStep<T> step) {
    List<Future<T>> futures = new ArrayList<>();
    for (HostSpec h : hosts) {
      futures.add(pool.submit(() -> step.apply(h)));
    }
    Map<String, Result<T>> results = new LinkedHashMap<>();
    boolean interrupted = false;
    for (int i = 0; i < hosts.size(); i++) {
      while (true) {
        try {
          results.put(hosts.get(i).name(), Result.ok(futures.get(i).get()));
          break;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          results.put(
              hosts.get(i).name(),
              Result.failed(cause instanceof Exception ex ? ex : new Exception(cause)));
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return results;
  }

  /** One step on one host spec. */
  @FunctionalInterface
  public interface HostStep<T> {
    T apply(HostSpec host) throws Exception;
  }

  /** A value or the exception that stopped it. */
  public record Result<T>(T value, Exception error) {
    static <T> Result<T> ok(T value) {
      return new Result<>(value, null);
    }

    static <T> Result<T> failed(Exception e) {
      return new Result<>(null, e);
    }

    public boolean ok() {
      return error == null;
    }

    public String message() {
      return error == null
          ? ""
          : (error.getMessage() == null ? error.toString() : error.getMessage());
    }
  }

  @Override
  public void close() {
    connected.values().forEach(RemoteHost::close);
    connected.clear();
    pool.shutdownNow();
  }
}
