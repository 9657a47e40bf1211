package dev.loadfleet.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Test client side: raw bytes over a socket, for requests no well-behaved client would send. */
final class RawHttp implements AutoCloseable {
  final Socket socket;

  /** What the server sent until it closed the connection or the wait ran out. */
  record Received(String text, boolean closed) {
    int responses() {
      return text.split("HTTP/1.1 ", -1).length - 1;
    }
  }

  RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
  }

  RawHttp send(String bytes) throws IOException {
    return send(bytes.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /** Reads until the server closes the connection, or {@code wait} passes. */
  Received readUntilClosed(Duration wait) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + wait.toNanos();
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[8192];
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return new Received(got.toString(StandardCharsets.ISO_8859_1), false);
      }
      socket.setSoTimeout((int) left);
      try {
        int n = in.read(buf);
        if (n < 0) {
          return new Received(got.toString(StandardCharsets.ISO_8859_1), true);
        }
        got.write(buf, 0, n);
      } catch (SocketTimeoutException e) {
        return new Received(got.toString(StandardCharsets.ISO_8859_1), false);
      } catch (IOException e) {
        // A reset after the server's answer is a close too.
        return new Received(got.toString(StandardCharsets.ISO_8859_1), true);
      }
    }
  }

  /** Reads one response with a Content-Length body (or none) and returns it whole. */
  String readResponse(Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (!got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + got.toString(StandardCharsets.ISO_8859_1));
      }
      got.write(b);
    }
    String head = got.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
