package dev.loadfleet.config;

/** The inventory is wrong; the message names the file, the host and the field, and the fix. */
public final class InventoryException extends Exception {
  public InventoryException(String message) {
    super(message);
  }
}
