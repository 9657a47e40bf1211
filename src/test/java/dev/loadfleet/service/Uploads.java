package dev.loadfleet.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Test client side: multipart upload requests with generated, reproducible recordings. */
final class Uploads {
  static final String BOUNDARY = "loadfleet-test-boundary-7MA4YWxk";

  private Uploads() {}

  /** The usual fields of a valid upload of {@code content}. */
  static Map<String, String> fields(String studentId, String examId, int seq, Content content) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("studentId", studentId);
    f.put("examId", examId);
    f.put("seq", Integer.toString(seq));
    f.put("size", Long.toString(content.length()));
    f.put("sha256", content.sha256());
    return f;
  }

  /** A POST /upload request streaming {@code content} as the file part, with a Content-Length. */
  static HttpRequest request(URI base, Map<String, String> fields, Content content) {
    byte[] headBytes = head(fields);
    byte[] tail = tail();
    HttpRequest.BodyPublisher body =
        HttpRequest.BodyPublishers.concat(
            HttpRequest.BodyPublishers.ofByteArray(headBytes),
            HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(content::open), content.length()),
            HttpRequest.BodyPublishers.ofByteArray(tail));
    return HttpRequest.newBuilder(base.resolve("/upload"))
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(body)
        .build();
  }

  /** The whole form of {@code content} in memory, for raw-socket tests (keep it small). */
  static byte[] body(Map<String, String> fields, Content content) {
    return body(head(fields), content);
  }

  /** {@code head}, the bytes of {@code content}, then the closing delimiter. */
  static byte[] body(byte[] head, Content content) {
    try (InputStream in = content.open()) {
      byte[] file = in.readAllBytes();
      byte[] tail = tail();
      byte[] body = new byte[head.length + file.length + tail.length];
      System.arraycopy(head, 0, body, 0, head.length);
      System.arraycopy(file, 0, body, head.length, file.length);
      System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The form up to the file part's bytes: every field, then the file part's headers. */
  static byte[] head(Map<String, String> fields) {
    return head(fields, "file");
  }

  /** As {@link #head(Map)}, the file part named {@code fileField}. */
  static byte[] head(Map<String, String> fields, String fileField) {
    StringBuilder head = new StringBuilder();
    fields.forEach(
        (k, v) ->
            head.append("--")
                .append(BOUNDARY)
                .append("\r\n")
                .append("Content-Disposition: form-data; name=\"")
                .append(k)
                .append("\"\r\n\r\n")
                .append(v)
                .append("\r\n"));
    head.append("--")
        .append(BOUNDARY)
        .append("\r\n")
        .append("Content-Disposition: form-data; name=\"")
        .append(fileField)
        .append("\"; filename=\"chunk.webm\"\r\n")
        .append("Content-Type: video/webm\r\n\r\n");
    return head.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The CRLF that ends the file part, then the closing delimiter. */
  static byte[] tail() {
    return ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
  }

  static HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code length} pseudo-random bytes from {@code seed}, generated on the fly, never held. */
  record Content(long seed, long length) {
    InputStream open() {
      return new InputStream() {
        private final Random random = new Random(seed);
        private final byte[] block = new byte[64 * 1024];
        private int pos = block.length;
        private long left = length;

        @Override
        public int read() {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
          if (left == 0) {
            return -1;
          }
          if (pos == block.length) {
            random.nextBytes(block);
            pos = 0;
          }
          int n = (int) Math.min(Math.min(len, block.length - pos), left);
          System.arraycopy(block, pos, b, off, n);
          pos += n;
          left -= n;
          return n;
        }
      };
    }

    String sha256() {
      try (InputStream in = new DigestInputStream(open(), MessageDigest.getInstance("SHA-256"))) {
        in.transferTo(OutputStream.nullOutputStream());
        return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
