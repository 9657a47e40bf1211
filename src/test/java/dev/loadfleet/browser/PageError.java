package dev.loadfleet.browser;

/**
 * Something a page reported as going wrong: what kind, its text, and the URL it concerns (the
 * script that logged or threw, or the resource that failed to load; empty when unknown).
 */
public record PageError(Kind kind, String text, String url) {
  /** Where the error came from. */
  public enum Kind {
    /**
     * {@code console.error(...)}, a failed {@code console.assert(...)}, or an error Chromium itself
     * put in the console (a request blocked by CORS or a security policy).
     */
    CONSOLE,
    /** An exception no script caught, or a promise rejection no script handled. */
    EXCEPTION,
    /** A script, style sheet, image, fetch... that did not load (network error or HTTP error). */
    RESOURCE
  }

  @Override
  public String toString() {
    return kind + " " + text + (url.isEmpty() ? "" : " (" + url + ")");
  }
}
