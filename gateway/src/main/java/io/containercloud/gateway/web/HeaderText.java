package io.containercloud.gateway.web;

/**
 * The firewall's rule for header names and values (assigned characters, no control characters; a
 * tab allowed in values), as Spring Security's strict firewall states it, checked with a loop over
 * the code points instead of a regular expression per header of every request.
 */
final class HeaderText {

  private HeaderText() {}

  static boolean allowedName(String name) {
    return allowed(name, false);
  }

  static boolean allowedValue(String value) {
    return allowed(value, true);
  }

  /** Null is no header (the firewall asks about headers a request lacks too). */
  private static boolean allowed(String text, boolean tab) {
    if (text == null) {
      return true;
    }
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      boolean control = Character.isISOControl(c) && !(tab && c == '\t');
      if (control || Character.getType(c) == Character.UNASSIGNED) {
        return false;
      }
      i += Character.charCount(c);
    }
    return true;
  }
}
