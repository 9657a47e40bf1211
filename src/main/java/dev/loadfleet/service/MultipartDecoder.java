package dev.loadfleet.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A streaming {@code multipart/form-data} decoder (RFC 7578 on RFC 2046's framing) for one request
 * body, fed network chunk by chunk on the connection's event loop. Not thread-safe.
 *
 * <p>Why not Netty's {@code HttpPostMultipartRequestDecoder}: it copies every body byte into a
 * buffer of its own and scans it for the boundary, so the service spent more CPU per GB than the
 * injector sending it (BENCHMARKS.md, "Service"); and it could append a CR to a part
 * (netty/netty#17383). Here a file part whose length the handler knows (the upload's {@code size}
 * field, sent before the file) is handed on as slices of the network buffers, never scanned or
 * copied, and the delimiter must follow right after exactly that many bytes. Fields, the preamble
 * and a file part of unknown length are scanned for the delimiter.
 */
final class MultipartDecoder {
  /** Told of each part as it is decoded. */
  interface Handler {
    /** A complete field (a part without a filename), its value decoded as UTF-8. */
    void field(String name, String value) throws Refusal;

    /**
     * A file part (one with a filename) begins.
     *
     * @return its length in bytes if known beforehand, else -1 to find its end by the boundary
     */
    long fileStart(String name, String filename) throws Refusal;

    /** The next bytes of the file part; valid during the call only. */
    void fileData(ByteBuf bytes) throws Refusal;

    /** The file part ended with its delimiter. */
    void fileEnd() throws Refusal;
  }

  /** A field's value beyond this is refused: ids and checksums are short. */
  static final int MAX_FIELD = 16 * 1024;

  private static final int MAX_PART_HEADERS = 8 * 1024;
  private static final int MAX_BOUNDARY = 70;
  private static final int MAX_PADDING = 64;

  /** What a scan copies from a chunk at a time, outside a field. */
  private static final int SCAN_PIECE = 16 * 1024;

  private enum State {
    /** Before the first delimiter: skipped. */
    PREAMBLE,
    /** Right after a delimiter: "--" ends the body, CRLF starts a part. */
    AFTER_DELIMITER,
    HEADERS,
    FIELD,
    /** A file part of known length: counted, not scanned. */
    FILE_COUNTED,
    /** The delimiter that must follow a counted file part. */
    FILE_DELIMITER,
    /** A file part of unknown length: scanned for the delimiter. */
    FILE_SCANNED,
    /** After the closing delimiter: ignored. */
    EPILOGUE
  }

  private final byte[] delimiter;
  private final Handler handler;

  /** Bytes held between chunks: a possible delimiter's start, headers, a field's value. */
  private final ByteBuf pending = Unpooled.buffer(256);

  private State state = State.PREAMBLE;
  private String partName;
  private ByteArrayOutputStream fieldValue;
  private long fileLength;
  private long fileLeft;
  private int padding;

  MultipartDecoder(String boundary, Handler handler) {
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
    this.handler = handler;
    // The first delimiter may open the body without a CRLF before it; a CRLF here makes it match.
    pending.writeBytes(new byte[] {'\r', '\n'});
  }

  /**
   * The boundary of a {@code multipart/form-data} Content-Type.
   *
   * @throws Refusal naming what is wrong with it
   */
  static String boundary(String contentType) throws Refusal {
    String value = null;
    for (String param : contentType.split(";")) {
      String p = param.trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
        value = p.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
      }
    }
    if (value == null) {
      throw Refusal.badRequest(
          "the Content-Type has no boundary; send multipart/form-data; boundary=<1-70 characters>");
    }
    if (value.isEmpty()) {
      throw Refusal.badRequest("the Content-Type's boundary is empty; it must be 1-70 characters");
    }
    if (value.length() > MAX_BOUNDARY
        || !value.chars().allMatch(MultipartDecoder::isBoundaryChar)) {
      throw Refusal.badRequest(
          "the Content-Type's boundary "
              + Refusal.quoted(value)
              + " is not 1-70 letters, digits, spaces or '()+_,-./:=?");
    }
    return value;
  }

  private static boolean isBoundaryChar(int c) {
    return (c >= '0' && c <= '9')
        || (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || "'()+_,-./:=? ".indexOf(c) >= 0;
  }

  /** Decodes all readable bytes of {@code in} (the caller still owns and releases it). */
  void offer(ByteBuf in) throws Refusal {
    while (step(in)) {
      // each step consumes input or changes state
    }
  }

  /** The body ended: it must have ended with the closing delimiter. */
  void end() throws Refusal {
    if (state == State.FILE_COUNTED || state == State.FILE_DELIMITER) {
      throw Refusal.badRequest(
          "size mismatch: the body ended "
              + (fileLeft > 0 ? fileLeft + " bytes short of " : "right after ")
              + "the file part's declared "
              + fileLength
              + " bytes, without the closing boundary");
    }
    if (state != State.EPILOGUE) {
      throw Refusal.badRequest(
          "malformed multipart body: it ends before its closing boundary delimiter");
    }
  }

  /** The size of the buffer that holds bytes between chunks. */
  int heldCapacity() {
    return pending.capacity();
  }

  /** Frees the held bytes. */
  void close() {
    pending.release();
  }

  /** One step of decoding; false when more input is needed. */
  private boolean step(ByteBuf in) throws Refusal {
    switch (state) {
      case FILE_COUNTED -> {
        // The hot path: slices of the network buffer, straight to the handler.
        ByteBuf from = pending.isReadable() ? pending : in;
        if (!from.isReadable()) {
          return false;
        }
        int n = (int) Math.min(fileLeft, from.readableBytes());
        handler.fileData(from.readSlice(n));
        fileLeft -= n;
        if (fileLeft == 0) {
          state = State.FILE_DELIMITER;
        }
        return true;
      }
      case FILE_DELIMITER -> {
        if (!fill(in, delimiter.length)) {
          return false;
        }
        if (!startsWithDelimiter(pending)) {
          throw Refusal.badRequest(
              "size mismatch: the file part does not end after its declared "
                  + fileLength
                  + " bytes (field 'size')");
        }
        pending.skipBytes(delimiter.length);
        handler.fileEnd();
        state = State.AFTER_DELIMITER;
        return true;
      }
      case AFTER_DELIMITER -> {
        return afterDelimiter(in);
      }
      case HEADERS -> {
        return headers(in);
      }
      case PREAMBLE, FIELD, FILE_SCANNED -> {
        return scan(in);
      }
      case EPILOGUE -> {
        in.skipBytes(in.readableBytes());
        pending.clear();
        return false;
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  /** Moves bytes from {@code in} until {@code pending} holds {@code n}; false if it cannot yet. */
  private boolean fill(ByteBuf in, int n) {
    int missing = n - pending.readableBytes();
    if (missing > 0) {
      pending.discardReadBytes();
      pending.writeBytes(in, Math.min(missing, in.readableBytes()));
    }
    return pending.readableBytes() >= n;
  }

  private boolean afterDelimiter(ByteBuf in) throws Refusal {
    if (!fill(in, 2)) {
      return false;
    }
    byte a = pending.getByte(pending.readerIndex());
    byte b = pending.getByte(pending.readerIndex() + 1);
    if (a == '-' && b == '-') {
      pending.skipBytes(2);
      state = State.EPILOGUE;
    } else if (a == '\r' && b == '\n') {
      pending.skipBytes(2);
      state = State.HEADERS;
      padding = 0;
    } else if ((a == ' ' || a == '\t') && ++padding <= MAX_PADDING) {
      pending.skipBytes(1); // transport padding (RFC 2046) before the CRLF
    } else {
      throw Refusal.badRequest(
          "malformed multipart body: a boundary delimiter is followed by neither CRLF nor '--'");
    }
    return true;
  }

  private boolean headers(ByteBuf in) throws Refusal {
    pending.discardReadBytes();
    pending.writeBytes(
        in,
        Math.min(in.readableBytes(), Math.max(0, MAX_PART_HEADERS + 4 - pending.readableBytes())));
    int start = pending.readerIndex();
    int end = -1;
    int length = 0;
    if (pending.readableBytes() >= 2
        && pending.getByte(start) == '\r'
        && pending.getByte(start + 1) == '\n') {
      end = start; // no header lines at all
      length = 2;
    } else {
      for (int i = start; i + 3 < pending.writerIndex(); i++) {
        if (pending.getByte(i) == '\r'
            && pending.getByte(i + 1) == '\n'
            && pending.getByte(i + 2) == '\r'
            && pending.getByte(i + 3) == '\n') {
          end = i;
          length = i - start + 4;
          break;
        }
      }
    }
    if (end < 0) {
      if (pending.readableBytes() >= MAX_PART_HEADERS + 4) {
        throw Refusal.badRequest(
            "malformed multipart body: a part's headers are longer than "
                + MAX_PART_HEADERS
                + " bytes");
      }
      return false;
    }
    String text = pending.toString(start, end - start, StandardCharsets.UTF_8);
    pending.skipBytes(length);
    part(text);
    return true;
  }

  /** Starts the part whose header block is {@code text}. */
  private void part(String text) throws Refusal {
    String name = null;
    String filename = null;
    boolean formData = false;
    for (String line : text.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0 || !line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
        continue;
      }
      String[] params = line.substring(colon + 1).split(";");
      formData = params[0].trim().equalsIgnoreCase("form-data");
      for (int i = 1; i < params.length; i++) {
        String p = params[i].trim();
        int eq = p.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = unquote(p.substring(eq + 1).trim());
        if (key.equals("name")) {
          name = value;
        } else if (key.equals("filename")) {
          filename = value;
        }
      }
    }
    if (!formData || name == null) {
      throw Refusal.badRequest(
          "malformed multipart body: a part has no 'Content-Disposition: form-data; name=...'"
              + " header");
    }
    partName = name;
    if (filename == null) {
      state = State.FIELD;
      fieldValue = new ByteArrayOutputStream();
      return;
    }
    fileLength = handler.fileStart(name, filename);
    fileLeft = fileLength;
    state =
        fileLength < 0
            ? State.FILE_SCANNED
            : fileLength == 0 ? State.FILE_DELIMITER : State.FILE_COUNTED;
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return v;
  }

  /**
   * Scans for the delimiter: the bytes before it belong to the current part (skipped in the
   * preamble); what could be the start of a delimiter split across chunks is held back.
   */
  private boolean scan(ByteBuf in) throws Refusal {
    if (!in.isReadable() && pending.readableBytes() < delimiter.length) {
      return false;
    }
    pending.discardReadBytes();
    // A bounded piece at a time: a network read can be a megabyte, and every upload in flight keeps
    // its decoder and what it holds.
    int room = Math.max(0, SCAN_PIECE + delimiter.length - pending.readableBytes());
    pending.writeBytes(in, Math.min(room, in.readableBytes()));
    int at = indexOfDelimiter(pending);
    if (at >= 0) {
      content(pending.readSlice(at - pending.readerIndex()));
      pending.skipBytes(delimiter.length);
      partEnded();
      state = State.AFTER_DELIMITER;
      return true;
    }
    int safe = pending.readableBytes() - (delimiter.length - 1);
    if (safe > 0) {
      content(pending.readSlice(safe));
    }
    return in.isReadable();
  }

  private void content(ByteBuf bytes) throws Refusal {
    switch (state) {
      case FIELD -> {
        if (fieldValue.size() + bytes.readableBytes() > MAX_FIELD) {
          throw Refusal.badRequest(
              "field " + Refusal.quoted(partName) + " is longer than " + MAX_FIELD + " bytes");
        }
        byte[] read = new byte[bytes.readableBytes()];
        bytes.readBytes(read);
        fieldValue.write(read, 0, read.length);
      }
      case FILE_SCANNED -> handler.fileData(bytes);
      default -> bytes.skipBytes(bytes.readableBytes()); // the preamble
    }
  }

  private void partEnded() throws Refusal {
    if (state == State.FIELD) {
      handler.field(partName, fieldValue.toString(StandardCharsets.UTF_8));
      fieldValue = null;
    } else if (state == State.FILE_SCANNED) {
      handler.fileEnd();
    }
  }

  /** The absolute index of the first complete delimiter in {@code buf}, or -1. */
  private int indexOfDelimiter(ByteBuf buf) {
    int from = buf.readerIndex();
    int to = buf.writerIndex();
    while (to - from >= delimiter.length) {
      int cr = buf.indexOf(from, to - delimiter.length + 1, (byte) '\r');
      if (cr < 0) {
        return -1;
      }
      if (matches(buf, cr)) {
        return cr;
      }
      from = cr + 1;
    }
    return -1;
  }

  private boolean startsWithDelimiter(ByteBuf buf) {
    return matches(buf, buf.readerIndex());
  }

  private boolean matches(ByteBuf buf, int at) {
    for (int i = 0; i < delimiter.length; i++) {
      if (buf.getByte(at + i) != delimiter[i]) {
        return false;
      }
    }
    return true;
  }
}
