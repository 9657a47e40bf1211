package dev.loadfleet.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The multipart decoder alone, fed bodies split at every byte and in random chunks. */
class MultipartDecoderTest {
  private static final String B = "xyzzy";

  /** A file part that looks like trouble: CRs, CRLFs, a delimiter's prefix, a near-delimiter. */
  private static final byte[] FILE =
      ("\r\r\n\r\n-\r\n--xyzz\r\n--xyzzX" + "payload".repeat(20) + "\r")
          .getBytes(StandardCharsets.ISO_8859_1);

  /** What the decoder told its handler. */
  private static final class Recorder implements MultipartDecoder.Handler {
    final boolean counted;
    final Map<String, String> fields = new LinkedHashMap<>();
    final ByteArrayOutputStream file = new ByteArrayOutputStream();
    String fileName;
    String filename;
    boolean fileEnded;

    Recorder(boolean counted) {
      this.counted = counted;
    }

    @Override
    public void field(String name, String value) {
      fields.put(name, value);
    }

    @Override
    public long fileStart(String name, String filename) {
      this.fileName = name;
      this.filename = filename;
      return counted ? Long.parseLong(fields.get("size")) : -1;
    }

    @Override
    public void fileData(ByteBuf bytes) {
      byte[] b = new byte[bytes.readableBytes()];
      bytes.readBytes(b);
      file.write(b, 0, b.length);
    }

    @Override
    public void fileEnd() {
      fileEnded = true;
    }
  }

  private static byte[] body(String preamble, byte[] file, String epilogue) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String head =
        preamble
            + "--"
            + B
            + "\r\nContent-Disposition: form-data; name=\"studentId\"\r\n\r\ntest_1\r\n--"
            + B
            + "\r\ncontent-disposition: form-data; name=size\r\n\r\n"
            + file.length
            + "\r\n--"
            + B
            + "  \r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".webm\""
            + "\r\nContent-Type: video/webm\r\n\r\n";
    body.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    body.writeBytes(file);
    body.writeBytes(("\r\n--" + B + "--" + epilogue).getBytes(StandardCharsets.ISO_8859_1));
    return body.toByteArray();
  }

  private static Recorder decode(byte[] body, boolean counted, int... splits) throws Refusal {
    Recorder r = new Recorder(counted);
    MultipartDecoder d = new MultipartDecoder(B, r);
    try {
      int from = 0;
      for (int to : splits) {
        d.offer(Unpooled.wrappedBuffer(body, from, to - from));
        from = to;
      }
      d.offer(Unpooled.wrappedBuffer(body, from, body.length - from));
      d.end();
    } finally {
      d.close();
    }
    return r;
  }

  private static void assertDecoded(Recorder r, byte[] file) {
    assertEquals(Map.of("studentId", "test_1", "size", Integer.toString(file.length)), r.fields);
    assertEquals("file", r.fileName);
    assertEquals("a \"b\".webm", r.filename);
    assertArrayEquals(file, r.file.toByteArray());
    assertTrue(r.fileEnded);
  }

  @Test
  void aBodySplitInTwoAtEveryByteDecodesTheSameCountedOrScanned() throws Refusal {
    byte[] body = body("a preamble\r\n", FILE, "\r\nan epilogue");
    for (boolean counted : new boolean[] {true, false}) {
      for (int split = 0; split <= body.length; split++) {
        assertDecoded(decode(body, counted, split), FILE);
      }
    }
  }

  @Test
  void aBodyInRandomSmallChunksDecodesTheSame() throws Refusal {
    byte[] body = body("", FILE, "\r\n");
    Random random = new Random(7);
    for (int round = 0; round < 500; round++) {
      int[] splits = random.ints(20, 0, body.length + 1).sorted().distinct().toArray();
      assertDecoded(decode(body, round % 2 == 0, splits), FILE);
    }
  }

  @Test
  void aLargeChunkWithTheWholeFormIsNotHeldWhileTheFileStreams() throws Refusal {
    // One network read can hold the fields and a megabyte of the file; 500 uploads in flight
    // must not each keep a copy of theirs.
    byte[] file = new byte[2 << 20];
    new Random(3).nextBytes(file);
    byte[] body = body("", file, "");
    for (boolean counted : new boolean[] {true, false}) {
      Recorder r = new Recorder(counted);
      MultipartDecoder d = new MultipartDecoder(B, r);
      d.offer(Unpooled.wrappedBuffer(body, 0, 1 << 20));
      assertTrue(
          d.heldCapacity() <= 128 * 1024,
          (counted ? "counted" : "scanned") + ": holds " + d.heldCapacity() + " bytes");
      d.offer(Unpooled.wrappedBuffer(body, 1 << 20, body.length - (1 << 20)));
      d.end();
      d.close();
      assertDecoded(r, file);
    }
  }

  @Test
  void anEmptyFilePartDecodes() throws Refusal {
    byte[] body = body("", new byte[0], "");
    assertDecoded(decode(body, true), new byte[0]);
    assertDecoded(decode(body, false), new byte[0]);
  }

  @Test
  void aFilePartLongerOrShorterThanDeclaredIsASizeMismatch() {
    String longer = new String(body("", FILE, ""), StandardCharsets.ISO_8859_1);
    byte[] declaredShort =
        longer
            .replaceFirst("\r\n" + FILE.length + "\r\n", "\r\n" + (FILE.length - 1) + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    Refusal r = assertThrows(Refusal.class, () -> decode(declaredShort, true));
    assertTrue(r.getMessage().startsWith("size mismatch"), r.getMessage());
    byte[] declaredLong =
        longer
            .replaceFirst("\r\n" + FILE.length + "\r\n", "\r\n" + (FILE.length + 100) + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    r = assertThrows(Refusal.class, () -> decode(declaredLong, true));
    assertTrue(r.getMessage().startsWith("size mismatch"), r.getMessage());
  }

  @Test
  void aBodyWithoutItsClosingDelimiterIsRefused() {
    byte[] body = body("", FILE, "");
    byte[] cut = java.util.Arrays.copyOf(body, body.length - 4);
    Refusal r = assertThrows(Refusal.class, () -> decode(cut, false));
    assertTrue(r.getMessage().contains("closing boundary"), r.getMessage());
  }

  @Test
  void aPartWithoutContentDispositionIsRefused() {
    byte[] body =
        ("--" + B + "\r\nX-Nothing: 1\r\n\r\nabc\r\n--" + B + "--")
            .getBytes(StandardCharsets.ISO_8859_1);
    Refusal r = assertThrows(Refusal.class, () -> decode(body, false));
    assertTrue(r.getMessage().contains("Content-Disposition"), r.getMessage());
  }

  @Test
  void aFieldOverTheLimitIsRefusedNamingIt() {
    byte[] body =
        ("--"
                + B
                + "\r\nContent-Disposition: form-data; name=\"sha256\"\r\n\r\n"
                + "f".repeat(MultipartDecoder.MAX_FIELD + 1)
                + "\r\n--"
                + B
                + "--")
            .getBytes(StandardCharsets.ISO_8859_1);
    Refusal r = assertThrows(Refusal.class, () -> decode(body, false));
    assertTrue(r.getMessage().contains("'sha256'"), r.getMessage());
  }

  @Test
  void boundariesAreReadFromTheContentTypeAndCheckedInWords() throws Refusal {
    assertEquals("abc", MultipartDecoder.boundary("multipart/form-data; boundary=abc"));
    assertEquals(
        "a b", MultipartDecoder.boundary("multipart/form-data; charset=utf-8; BOUNDARY=\"a b\""));
    for (String bad :
        new String[] {
          "multipart/form-data",
          "multipart/form-data; boundary=",
          "multipart/form-data; boundary=" + "x".repeat(71),
          "multipart/form-data; boundary=a\u00e9"
        }) {
      Refusal r = assertThrows(Refusal.class, () -> MultipartDecoder.boundary(bad));
      assertTrue(r.getMessage().contains("boundary"), r.getMessage());
    }
  }
}
