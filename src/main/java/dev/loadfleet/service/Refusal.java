package dev.loadfleet.service;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the service refuses: the status to answer and one sentence, sent back as {@code
 * {"error": ...}} and logged, that says what is wrong with the request.
 */
final class Refusal extends Exception {
  final HttpResponseStatus status;

  Refusal(HttpResponseStatus status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static Refusal badRequest(String message) {
    return new Refusal(HttpResponseStatus.BAD_REQUEST, message);
  }

  /** A client-supplied name or value, quoted and cut short enough for a message. */
  static String quoted(String value) {
    return "'" + (value.length() > 64 ? value.substring(0, 64) + "..." : value) + "'";
  }
}
