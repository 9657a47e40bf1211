package dev.loadfleet.simulations;

import io.gatling.http.client.body.RequestBody;
import io.gatling.http.client.body.RequestBodyBuilder;
import io.gatling.http.client.body.WritableContent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.stream.ChunkedInput;
import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One upload's multipart/form-data body: the form's text fields, then the recording as its file
 * part, laid out as Gatling's own multipart bodies are ({@code --boundary}, a {@code
 * Content-Disposition} per part, the file part's {@code Content-Type}, CRLFs, the closing {@code
 * --boundary--}).
 *
 * <p>The recording's bytes are not copied per upload: the head (the fields and the file part's
 * headers) is a few hundred bytes made per request, and the file part is either one region of the
 * recording's file, which the kernel sends from its page cache ({@code sendfile}: no copy from user
 * memory into the socket), or, where a file region cannot go (over TLS, whose encryption needs the
 * bytes in memory, through a proxy, or with no recording file), read-only slices of the recording's
 * content (its file mapped into memory), handed to the socket 1 MiB at a time. Gatling's own
 * multipart parts copy every byte twice (into an 8 KiB heap chunk, then into a direct buffer for
 * the socket) and cross the pipeline once per 8 KiB. The body goes through Gatling's public client
 * API: the request's {@code sign} step replaces the empty body with this one, and Gatling writes it
 * as any chunked body, with its exact {@code Content-Length}.
 *
 * @param fields the text fields in form order, values as they are sent (UTF-8)
 * @param fileField the file part's field name
 * @param fileName the file part's file name
 * @param contentType the file part's content type
 * @param boundary the multipart boundary (also in the request's Content-Type header)
 * @param recording the recording, sent as the file part
 * @param fromFile whether the file part is sent as a region of {@link Recording#file()} rather than
 *     as slices of {@link Recording#content()}; see {@link #canSendFile}
 */
record UploadBody(
    List<Map.Entry<String, String>> fields,
    String fileField,
    String fileName,
    String contentType,
    String boundary,
    Recording recording,
    boolean fromFile)
    implements RequestBody {

  /** Bytes handed to the socket per chunk: a few pipeline trips per upload, none copied. */
  static final int CHUNK = 1 << 20;

  /**
   * Whether an upload may send the recording as a file region: the recording has its file, and the
   * bytes go to the socket as they are. Over TLS (to the service or to a proxy) they must pass
   * through the encryption in memory, which a file region would skip; a proxy's handlers are not
   * relied on to pass a region through.
   */
  static boolean canSendFile(Recording recording, boolean secured, boolean proxied) {
    return recording.file() != null && !secured && !proxied;
  }

  /** The Content-Type header that announces a body with this boundary. */
  static String mediaType(String boundary) {
    return "multipart/form-data; boundary=" + boundary;
  }

  /**
   * A boundary in the alphabet and length Gatling uses for its own multipart bodies, drawn until no
   * line of the recording starts with it, so no part can end inside the recording.
   */
  static String boundaryAbsentFrom(Recording recording, Random random) {
    String alphabet = "-_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    while (true) {
      StringBuilder b = new StringBuilder(35);
      for (int i = 0; i < 35; i++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String boundary = b.toString();
      ByteBuf delimiter = Unpooled.copiedBuffer("\r\n--" + boundary, StandardCharsets.US_ASCII);
      if (ByteBufUtil.indexOf(delimiter, recording.content().duplicate()) < 0) {
        return boundary;
      }
    }
  }

  /** Everything before the recording's bytes. */
  byte[] head() {
    StringBuilder s = new StringBuilder(64 * (fields.size() + 2));
    for (Map.Entry<String, String> field : fields) {
      s.append("--").append(boundary).append("\r\n");
      s.append("Content-Disposition: form-data; name=\"").append(quoted(field.getKey()));
      s.append("\"\r\n\r\n").append(field.getValue()).append("\r\n");
    }
    s.append("--").append(boundary).append("\r\n");
    s.append("Content-Disposition: form-data; name=\"").append(quoted(fileField));
    s.append("\"; filename=\"").append(quoted(fileName)).append("\"\r\n");
    s.append("Content-Type: ").append(contentType).append("\r\n\r\n");
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Everything after the recording's bytes. */
  byte[] tail() {
    return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** A form-data name or file name inside its quotes, escaped as browsers do (RFC 7578, 4.2). */
  static String quoted(String name) {
    return name.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
  }

  @Override
  public WritableContent build(ByteBufAllocator alloc) {
    Chunks chunks =
        new Chunks(head(), recording.content(), fromFile ? recording.file() : null, tail());
    return new WritableContent(chunks, chunks.length());
  }

  @Override
  public RequestBodyBuilder newBuilder() {
    return (contentType, charset, fileCharset) -> this;
  }

  @Override
  public byte[] getBytes() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(head());
    ByteBuf content = recording.content().duplicate();
    byte[] bytes = new byte[content.readableBytes()];
    content.readBytes(bytes);
    all.writeBytes(bytes);
    all.writeBytes(tail());
    return all.toByteArray();
  }

  @Override
  public String print(int maxLength) {
    String text =
        new String(head(), StandardCharsets.UTF_8)
            + "<"
            + recording.size()
            + " bytes of the recording>"
            + new String(tail(), StandardCharsets.US_ASCII);
    return text.length() <= maxLength ? text : text.substring(0, maxLength) + "...";
  }

  /**
   * The body as Netty's chunked writer reads it: head, the recording (one file region, or slices of
   * its buffer), tail. Netty's HTTP encoder passes both kinds of chunk on to the socket as they
   * are.
   */
  static final class Chunks implements ChunkedInput<Object> {
    private final byte[] head;
    private final ByteBuf recording;
    private final FileChannel file;
    private final byte[] tail;
    private final long length;
    private int stage;
    private int offset;
    private long progress;

    /** With {@code file} null, the recording goes out as slices of {@code recording}. */
    Chunks(byte[] head, ByteBuf recording, FileChannel file, byte[] tail) {
      this.head = head;
      this.recording = recording;
      this.file = file;
      this.tail = tail;
      this.length = (long) head.length + recording.readableBytes() + tail.length;
    }

    @Override
    public boolean isEndOfInput() {
      return stage == 3;
    }

    @Override
    public void close() {
      stage = 3;
    }

    @Deprecated
    @Override
    public Object readChunk(ChannelHandlerContext ctx) {
      return readChunk(ctx.alloc());
    }

    @Override
    public Object readChunk(ByteBufAllocator alloc) {
      int size = recording.readableBytes();
      switch (stage) {
        case 0 -> {
          stage = size == 0 ? 2 : 1;
          return content(Unpooled.wrappedBuffer(head));
        }
        case 1 -> {
          if (file != null) {
            stage = 2;
            progress += size;
            return new RecordingRegion(file, size);
          }
          int n = Math.min(CHUNK, size - offset);
          ByteBuf slice = recording.slice(recording.readerIndex() + offset, n);
          offset += n;
          if (offset == size) {
            stage = 2;
          }
          return content(slice);
        }
        case 2 -> {
          stage = 3;
          return content(Unpooled.wrappedBuffer(tail));
        }
        default -> {
          return null;
        }
      }
    }

    private HttpContent content(ByteBuf chunk) {
      progress += chunk.readableBytes();
      return new DefaultHttpContent(chunk);
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public long progress() {
      return progress;
    }
  }

  /**
   * The whole recording as a region of its file. The socket sends it with {@code sendfile} (Netty's
   * epoll transport) or {@code FileChannel.transferTo} (its NIO one), at the file's own positions,
   * so any number of uploads share the one channel; releasing a sent region leaves that channel
   * open for the next upload.
   */
  static final class RecordingRegion extends DefaultFileRegion {
    RecordingRegion(FileChannel file, long count) {
      super(file, 0, count);
    }

    @Override
    protected void deallocate() {
      // The channel is the recording's, open for the JVM's life: nothing of this region to free.
    }
  }
}
