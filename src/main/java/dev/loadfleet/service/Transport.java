package dev.loadfleet.service;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The socket transport: Netty's native epoll when it is on the classpath and loads (Linux; the
 * injector bundle and Gatling's classpath carry it), else Java NIO; {@code
 * -Dloadfleet.service.transport=nio} forces NIO. Looked up by name, so the service compiles and
 * runs without the native jar. Epoll cost the service 5-10 % less CPU per GB than NIO
 * (BENCHMARKS.md, "Service").
 */
record Transport(String name, IoHandlerFactory handlers, Class<? extends ServerChannel> server) {
  static Transport best() {
    if (!"nio".equals(System.getProperty("loadfleet.service.transport"))) {
      try {
        Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
        if ((boolean) epoll.getMethod("isAvailable").invoke(null)) {
          IoHandlerFactory handlers =
              (IoHandlerFactory)
                  Class.forName("io.netty.channel.epoll.EpollIoHandler")
                      .getMethod("newFactory")
                      .invoke(null);
          return new Transport(
              "epoll",
              handlers,
              Class.forName("io.netty.channel.epoll.EpollServerSocketChannel")
                  .asSubclass(ServerChannel.class));
        }
      } catch (ReflectiveOperationException | LinkageError e) {
        // not on the classpath, or its native library does not load here: NIO
      }
    }
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
  }
}
